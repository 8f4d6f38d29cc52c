// The agenda of the meeting page, edited in place (templates/commissions/_agenda.html).
//
// Every action is a form or a link that works without JavaScript. htmx (loaded by base.html) sends the forms
// marked hx-post and puts the agenda the server answers, renumbered, in place of #agenda. This module adds:
// - drag and drop by an item's handle ⠿: above the middle of a row, before it; below, after it (with its
//   sub-items); below and to the right, as its first sub-item;
// - Alt + ↑ ↓ → ← from any control of a row: up, down, sub-item of the previous item, one level up;
// - what was done read out by screen readers (#agenda-annonce, from the answer's data-announce), and the
//   focus kept on the same control of the moved item;
// - « Insérer un point avant » opening the add form at that place; the « ⋯ » menus closed by Escape or a click
//   elsewhere.
// No inline script, no eval: the Content-Security-Policy stays script-src 'self'.

const MAX_DEPTH = 3
const INDENT_PX = 48 // how far right of a row's left edge a drop makes a sub-item
const KEYS = { ArrowUp: "up", ArrowDown: "down", ArrowRight: "indent", ArrowLeft: "outdent" }
// The control focused again after a move, when the one used is gone or disabled (the first enabled wins).
const FALLBACK = ["up", "down", "menu", "edit"]

const agenda = () => document.getElementById("agenda")
const rows = () => Array.from(agenda().querySelectorAll("li.agenda-item"))
const depth = (row) => Number(row.dataset.depth)

let lastAction = null // the data-agenda-action of the control that sent the last request

function token() {
  const input = agenda().querySelector("input[name=csrfmiddlewaretoken]")
  return input ? input.value : ""
}

function send(url, values) {
  return window.htmx.ajax("POST", url, {
    target: "#agenda",
    swap: "outerHTML",
    values,
    headers: { "X-CSRFToken": token() },
  })
}

// What the server said: heard by screen readers, and the page's earlier messages (about earlier actions) let go.
function announce(text) {
  const region = document.getElementById("agenda-annonce")
  if (!region || !text) return
  region.textContent = ""
  // A change after an empty tick: the same sentence twice in a row is read twice.
  window.setTimeout(() => {
    region.textContent = text
  }, 50)
}

function usable(element) {
  return element && !element.disabled && element.getClientRects().length > 0
}

function restoreFocus(zone) {
  // The add form sent back in error: its summary (an alert) takes the focus and is read out; its links lead to the
  // fields.
  const errors = zone.querySelector("#agenda-add-erreurs")
  if (errors) {
    errors.focus()
    return
  }
  const row = zone.dataset.focus && document.getElementById(`point-${zone.dataset.focus}`)
  if (!row) {
    const notice = zone.querySelector(".alert")
    if (notice) {
      notice.setAttribute("tabindex", "-1")
      notice.focus()
    }
    return
  }
  const wanted = [lastAction, ...FALLBACK].filter(Boolean)
  for (const action of wanted) {
    const control = row.querySelector(`[data-agenda-action="${action}"]`)
    if (usable(control)) {
      control.focus()
      return
    }
  }
}

document.addEventListener("htmx:beforeRequest", (event) => {
  const source = event.detail.elt
  if (!agenda() || !agenda().contains(source)) return
  const active = document.activeElement
  lastAction = (active && active.dataset && active.dataset.agendaAction) || null
})

// An answer that is not the agenda (the login page after the session expired): go there, then back here.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.target.id !== "agenda") return
  const text = event.detail.xhr.responseText || ""
  if (event.detail.xhr.status < 400 && !text.trimStart().startsWith('<div id="agenda"')) {
    event.detail.shouldSwap = false
    const url = new URL(event.detail.xhr.responseURL || window.location.href)
    url.searchParams.set("next", window.location.pathname)
    window.location.assign(url.toString())
    return
  }
  // The page's messages are about earlier actions: gone with this swap (not after it, so that the page never
  // shows two statuses at once).
  if (event.detail.shouldSwap) for (const message of document.querySelectorAll("main > .alert")) message.remove()
})

document.addEventListener("htmx:afterSettle", (event) => {
  const zone = agenda()
  if (!zone || event.detail.target.id !== "agenda") return
  announce(zone.dataset.announce)
  restoreFocus(zone)
})

function failed(text) {
  const zone = agenda()
  if (!zone) return
  let notice = zone.querySelector(":scope > .alert")
  if (!notice) {
    notice = document.createElement("div")
    zone.prepend(notice)
  }
  notice.className = "alert alert-danger"
  notice.setAttribute("role", "alert")
  notice.textContent = text
}

document.addEventListener("htmx:responseError", (event) => {
  failed(`L'action n'a pas abouti (erreur ${event.detail.xhr.status}) : rechargez la page puis réessayez.`)
})
document.addEventListener("htmx:sendError", () => {
  failed("Le portail ne répond pas : vérifiez la connexion, puis réessayez. Rien n'a été modifié.")
})

// Keyboard: Alt + arrows from any control of a row.
document.addEventListener("keydown", (event) => {
  const direction = KEYS[event.key]
  if (!direction || !event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return
  const row = event.target.closest && event.target.closest("#agenda li.agenda-item")
  if (!row) return
  event.preventDefault() // Alt + ← / → would go back or forward in the history
  lastAction = event.target.dataset.agendaAction || null
  send(row.dataset.moveUrl, { direction })
})

// The « ⋯ » menus: one open at a time, closed by Escape (the focus back on its button) or a click elsewhere.
document.addEventListener(
  "toggle",
  (event) => {
    const menu = event.target
    if (!menu.classList || !menu.classList.contains("agenda-menu") || !menu.open) return
    for (const other of document.querySelectorAll("details.agenda-menu[open]")) {
      if (other !== menu) other.open = false
    }
  },
  true,
)
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return
  const menu = event.target.closest && event.target.closest("details.agenda-menu[open]")
  if (!menu) return
  menu.open = false
  menu.querySelector("summary").focus()
})
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.agenda-menu[open]")) {
    if (!menu.contains(event.target)) menu.open = false
  }
})

// « Insérer un point avant » opens the add form with that place chosen.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("#agenda [data-agenda-insert]")
  if (!link) return
  const form = agenda().querySelector("details.agenda-add")
  const place = form && form.querySelector("select[name=before]")
  if (!place) return
  event.preventDefault()
  link.closest("details.agenda-menu").open = false
  form.open = true
  place.value = link.dataset.agendaInsert
  form.scrollIntoView({ block: "nearest" })
  form.querySelector("input[name=title]").focus()
})

// Drag and drop, by the handle.
let dragged = null // { row, subtree: rows moved with it, height: levels below it }

function subtreeOf(row) {
  const all = rows()
  const moved = [row]
  for (const next of all.slice(all.indexOf(row) + 1)) {
    if (depth(next) <= depth(row)) break
    moved.push(next)
  }
  return moved
}

function clearMarks() {
  for (const row of agenda().querySelectorAll(".agenda-drop-before, .agenda-drop-after, .agenda-drop-inside")) {
    row.classList.remove("agenda-drop-before", "agenda-drop-after", "agenda-drop-inside")
  }
}

// Where a drop over `row` at (x, y) puts the dragged item: { mode, parent, before }, or null when not allowed.
function dropAt(row, x, y) {
  if (!dragged || dragged.subtree.includes(row)) return null
  const box = row.getBoundingClientRect()
  let mode = y < box.top + box.height / 2 ? "before" : "after"
  if (mode === "after" && x > box.left + INDENT_PX && depth(row) < MAX_DEPTH) mode = "inside"
  const level = mode === "inside" ? depth(row) + 1 : depth(row)
  if (level + dragged.height > MAX_DEPTH) return null
  if (mode === "before") return { mode, parent: row.dataset.parent, before: row.dataset.id }
  const all = rows()
  const next = all.slice(all.indexOf(row) + 1).find((other) => depth(other) <= depth(row) || mode === "inside")
  if (mode === "inside") {
    const child = next && depth(next) === depth(row) + 1 ? next.dataset.id : ""
    return { mode, parent: row.dataset.id, before: child }
  }
  const sibling = next && depth(next) === depth(row) ? next.dataset.id : ""
  return { mode, parent: row.dataset.parent, before: sibling }
}

document.addEventListener("dragstart", (event) => {
  const handle = event.target.closest && event.target.closest("#agenda .agenda-handle")
  if (!handle) return
  const row = handle.closest("li.agenda-item")
  const subtree = subtreeOf(row)
  dragged = { row, subtree, height: Math.max(...subtree.map(depth)) - depth(row) }
  event.dataTransfer.effectAllowed = "move"
  event.dataTransfer.setData("text/plain", row.dataset.number)
  event.dataTransfer.setDragImage(row, 16, 16)
  for (const moved of subtree) moved.classList.add("agenda-dragging")
})

document.addEventListener("dragover", (event) => {
  const row = event.target.closest && event.target.closest("#agenda li.agenda-item")
  if (!row || !dragged) return
  const drop = dropAt(row, event.clientX, event.clientY)
  clearMarks()
  if (!drop) return
  event.preventDefault()
  event.dataTransfer.dropEffect = "move"
  row.classList.add(`agenda-drop-${drop.mode}`)
})

document.addEventListener("drop", (event) => {
  const row = event.target.closest && event.target.closest("#agenda li.agenda-item")
  if (!row || !dragged) return
  const drop = dropAt(row, event.clientX, event.clientY)
  if (!drop) return
  event.preventDefault()
  const url = dragged.row.dataset.placeUrl
  lastAction = null
  clearMarks()
  send(url, { parent: drop.parent, before: drop.before })
})

document.addEventListener("dragend", () => {
  if (!dragged) return
  for (const moved of dragged.subtree) moved.classList.remove("agenda-dragging")
  dragged = null
  if (agenda()) clearMarks()
})
