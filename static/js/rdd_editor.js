// The RDD editor (templates/decisions/editor.html): every block (preamble, item, commitment, question) is a form
// marked data-autosave that works without JavaScript. This module saves each block on its own as one types:
// - after 1.5 s without typing and when the focus leaves the block, by a fetch asking for JSON (decisions.views:
//   `_block_save`); the block's state is shown in its .rdd-autosave-state ("Enregistré à 10 h 42", …);
// - the version the text was typed over is sent with it: a change by another agent meanwhile is refused (409) and
//   shown, and the agent keeps their text (sent again over the other version) or takes the other one;
// - the unsaved text is kept in localStorage (per RDD, block and user) until saved: an expired session, a
//   submitted RDD, a lost connection or a closed tab lose nothing; it is replayed when the editor opens again;
//   it is cleared once saved and on logout;
// - leaving the page by a link first saves what is pending; leaving otherwise with unsaved text asks first;
// - the forms that add a row (a commitment, a question, a follow-up state: data-keep) are not saved as one types,
//   since adding is the agent's act: their text is kept on this device the same way, replayed when the editor opens
//   again, and leaving the page with such a text asks first.
// No inline script, no eval: the Content-Security-Policy stays script-src 'self'.

const root = document.getElementById("rdd-editor")
const DELAY_MS = 1500
const STORE = `rdd-editor:${root.dataset.rdd}:`
const USER = root.dataset.user
const SESSION_EXPIRED = root.dataset.sessionExpired
const MESSAGES = {
  dirty: "Modifications non enregistrées",
  saving: "Enregistrement…",
  replayed: "Texte non enregistré repris de cet appareil : enregistrement…",
  offline: "Le portail n'a pas pu être joint : votre texte est conservé sur cet appareil.",
  server: "Erreur du portail : votre texte est conservé sur cet appareil.",
  taken: "Texte de l'autre agent repris.",
}

const blocks = Array.from(document.querySelectorAll("form[data-autosave]")).map((form) => ({
  form,
  key: form.dataset.block,
  state: form.querySelector(".rdd-autosave-state"),
  version: form.querySelector("input[name$='version']"),
  dirty: false,
  saving: null, // the promise of the save in progress
  again: false, // typed again during a save: save once more after it
  blocked: false, // a conflict to settle or an RDD no longer a draft: no autosave until the agent acts
  timer: null,
}))

// The forms that add a row: kept on this device until sent, never sent by themselves.
const additions = Array.from(document.querySelectorAll("form[data-keep]")).map((form) => ({
  form,
  key: `new:${form.dataset.keep}`,
  state: form.querySelector(".rdd-keep-state"),
  dirty: false,
}))

const fields = (block) =>
  Array.from(block.form.elements).filter(
    (field) => field.name && field.type !== "hidden" && field.type !== "submit" && field.tagName !== "BUTTON",
  )

function values(block) {
  const result = {}
  for (const field of fields(block)) result[field.name] = field.type === "checkbox" ? field.checked : field.value
  return result
}

function fill(block, given) {
  for (const field of fields(block)) {
    if (!(field.name in given)) continue
    if (field.type === "checkbox") field.checked = Boolean(given[field.name])
    else field.value = given[field.name]
  }
}

function show(block, message, kind = "") {
  if (!block.state) return
  block.state.textContent = message
  block.state.classList.toggle("text-danger-emphasis", kind === "error")
  block.state.classList.toggle("text-success-emphasis", kind === "ok")
  block.state.classList.toggle("text-body-secondary", kind === "")
}

// Local keeping

function keep(block) {
  const kept = { user: USER, version: block.version?.value || "", values: values(block), at: Date.now() }
  try {
    localStorage.setItem(STORE + block.key, JSON.stringify(kept))
  } catch {
    // Storage full or refused: the autosave still runs.
  }
}

function forget(block) {
  localStorage.removeItem(STORE + block.key)
}

function kept(block) {
  try {
    return JSON.parse(localStorage.getItem(STORE + block.key) || "null")
  } catch {
    return null
  }
}

function forgetAll() {
  for (let index = localStorage.length - 1; index >= 0; index--) {
    const name = localStorage.key(index)
    if (name?.startsWith("rdd-editor:")) localStorage.removeItem(name)
  }
}

// Conflicts

function settle(block) {
  block.form.querySelector(".rdd-conflict-js")?.remove()
  block.blocked = false
}

function showConflict(block, answer) {
  settle(block)
  block.blocked = true
  const box = document.createElement("div")
  box.className = "alert alert-warning rdd-conflict-js mb-2"
  box.setAttribute("role", "alert")
  const text = document.createElement("p")
  text.className = "mb-2"
  text.textContent = answer.error
  const keepMine = document.createElement("button")
  keepMine.type = "button"
  keepMine.className = "btn btn-sm btn-primary me-2"
  keepMine.textContent = "Garder mon texte"
  keepMine.addEventListener("click", () => {
    block.version.value = answer.version
    settle(block)
    block.dirty = true
    keep(block)
    save(block)
  })
  const takeTheirs = document.createElement("button")
  takeTheirs.type = "button"
  takeTheirs.className = "btn btn-sm btn-outline-secondary"
  takeTheirs.textContent = "Reprendre le texte de l'autre agent"
  takeTheirs.addEventListener("click", () => {
    const prefix = block.key === "preamble" ? "" : `${block.key}-`
    const theirs = {}
    for (const [name, value] of Object.entries(answer.current)) theirs[prefix + name] = value
    fill(block, theirs)
    block.version.value = answer.version
    settle(block)
    block.dirty = false
    forget(block)
    show(block, MESSAGES.taken, "ok")
  })
  box.append(text, keepMine, takeTheirs)
  block.form.prepend(box)
  show(block, "Conflit : modifié par un autre agent", "error")
}

// Saving

function csrfToken(block) {
  return block.form.querySelector("input[name=csrfmiddlewaretoken]")?.value || ""
}

async function send(block) {
  const sent = values(block)
  const body = new FormData(block.form)
  show(block, MESSAGES.saving)
  let response
  try {
    response = await fetch(block.form.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      redirect: "manual",
      // A save still on its way when the page is left completes (small texts only: the browser's limit is 64 kB).
      keepalive: JSON.stringify(sent).length < 50000,
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(block) },
    })
  } catch {
    show(block, MESSAGES.offline, "error")
    return false
  }
  // The login's redirect (opaque here), a 401 or a 403 (a token renewed by a login in another tab): the session ended.
  if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
    show(block, SESSION_EXPIRED, "error")
    showSessionExpired()
    return false
  }
  const answer = await response.json().catch(() => null)
  if (!answer) {
    show(block, MESSAGES.server, "error")
    return false
  }
  if (response.ok) {
    block.version.value = answer.version
    const unchanged = JSON.stringify(values(block)) === JSON.stringify(sent)
    if (unchanged) {
      block.dirty = false
      forget(block)
      show(block, answer.message, "ok")
    } else {
      keep(block)
    }
    return true
  }
  if (answer.reason === "conflict") showConflict(block, answer)
  else {
    // The RDD is no longer a draft ("frozen"), or the text was refused: the text stays on this device.
    if (answer.reason === "frozen") block.blocked = true
    show(block, `${answer.error} Votre texte est conservé sur cet appareil.`, "error")
  }
  return false
}

function save(block) {
  clearTimeout(block.timer)
  if (block.saving) {
    block.again = true
    return block.saving
  }
  if (!block.dirty || block.blocked) return Promise.resolve(!block.dirty)
  block.saving = send(block).finally(() => {
    block.saving = null
    if (block.again && !block.blocked) {
      block.again = false
      if (block.dirty) save(block)
    }
  })
  return block.saving
}

async function saveAll() {
  const pending = blocks.filter((block) => block.dirty || block.saving)
  await Promise.all(pending.map((block) => save(block)))
  await Promise.all(blocks.map((block) => block.saving).filter(Boolean))
  return blocks.every((block) => !block.dirty)
}

function changed(block) {
  block.dirty = true
  keep(block)
  if (block.blocked) return
  show(block, MESSAGES.dirty)
  clearTimeout(block.timer)
  block.timer = setTimeout(() => save(block), DELAY_MS)
}

// The session's end: one notice at the top of the editor, with the way back.

function showSessionExpired() {
  if (document.getElementById("rdd-session-expired")) return
  const notice = document.createElement("div")
  notice.id = "rdd-session-expired"
  notice.className = "alert alert-danger"
  notice.setAttribute("role", "alert")
  notice.append(`${SESSION_EXPIRED} `)
  const link = document.createElement("a")
  link.href = root.dataset.loginUrl
  link.dataset.rddLeave = "" // the texts are kept on this device: followed without saving first
  link.textContent = "Se reconnecter"
  notice.append(link)
  root.after(notice)
}

// Wiring

let leaving = false // a form of the page is being sent: its own page follows, the kept texts replay there
let sending = false // a form of the page is sent: what is kept on this device replays on the page that follows

const pendingAddition = () => additions.some((addition) => addition.dirty)

for (const addition of additions) {
  const initial = JSON.stringify(values(addition))
  const edited = () => {
    addition.dirty = JSON.stringify(values(addition)) !== initial
    if (addition.dirty) {
      keep(addition)
      show(addition, "Pas encore ajouté : texte conservé sur cet appareil.")
    } else {
      forget(addition)
      show(addition, "")
    }
  }
  addition.form.addEventListener("input", edited)
  addition.form.addEventListener("change", edited)
  addition.form.addEventListener("submit", () => forget(addition))
  const replay = kept(addition)
  if (!replay) continue
  if (replay.user !== USER || JSON.stringify(replay.values) === initial) {
    forget(addition)
    continue
  }
  fill(addition, replay.values)
  addition.dirty = true
  const details = addition.form.closest("details")
  if (details) details.open = true
  show(addition, "Texte non ajouté repris de cet appareil : vérifiez-le puis ajoutez-le.")
}

for (const block of blocks) {
  block.form.addEventListener("input", () => changed(block))
  block.form.addEventListener("change", () => changed(block))
  block.form.addEventListener("focusout", (event) => {
    if (!block.form.contains(event.relatedTarget) && block.dirty) save(block)
  })
  const replay = kept(block)
  if (!replay) continue
  if (replay.user !== USER || JSON.stringify(replay.values) === JSON.stringify(values(block))) {
    forget(block)
    continue
  }
  fill(block, replay.values)
  if (block.version && replay.version) block.version.value = replay.version
  block.dirty = true
  show(block, MESSAGES.replayed)
  save(block)
}

document.addEventListener("submit", async (event) => {
  if (event.defaultPrevented) return // a confirmation declined (confirm.js)
  const form = event.target
  const isLogout = form.action && new URL(form.action).pathname === new URL(root.dataset.logoutUrl, location).pathname
  const others = blocks.filter((block) => block.form !== form && (block.dirty || block.saving))
  if (!isLogout && !form.matches("[data-rdd-flush]")) {
    // A block's own button, an addition, a deletion: the page reloads; other texts are kept here and replayed.
    leaving = sending = true
    return
  }
  if (!others.length && !isLogout) {
    leaving = sending = true
    return
  }
  // Logging out or submitting the RDD: what is pending is saved first.
  event.preventDefault()
  const saved = await saveAll()
  if (isLogout) {
    const lost = !saved || pendingAddition()
    if (lost && !window.confirm("Des modifications n'ont pas pu être enregistrées et seront perdues. Se déconnecter ?"))
      return
    forgetAll()
  } else if (!saved) {
    return
  }
  leaving = sending = true
  form.submit()
})

// A link followed with text pending: saved first, then followed.
document.addEventListener("click", async (event) => {
  const link = event.target.closest("a[href]")
  if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey)
    return
  if (link.target || link.getAttribute("href").startsWith("#")) return
  if (link.matches("[data-rdd-leave]")) {
    leaving = sending = true // the texts stay on this device for the page after the login
    return
  }
  if (!blocks.some((block) => block.dirty || block.saving)) return
  event.preventDefault()
  if (await saveAll()) {
    leaving = true
    location.href = link.href
  }
})

window.addEventListener("beforeunload", (event) => {
  if (sending) return
  if ((!leaving && blocks.some((block) => block.dirty || block.saving)) || pendingAddition()) {
    event.preventDefault()
    event.returnValue = ""
  }
})
