// The rich-text editor of agenda items and library blocks: every <textarea data-rich-text> becomes a
// Tiptap editor from django-prose-editor's bundle (static/django_prose_editor/editor.js, shipped in the
// wheel: nothing comes from another site). Loaded as a module by commissions.forms_meetings.RichTextWidget.
//
// Under the portal's Content-Security-Policy (script-src 'self', style-src 'self'):
// - no import map (the package's widget writes one inline): the bundle is imported by its address;
// - Tiptap's own <style> element is not injected (injectCSS: false); its rules are in css/editor.css.
//
// The HTML goes back into the textarea on every change and is cleaned by the server
// (commissions.sanitize.sanitize_html) when saved. Images are uploaded to the address in the
// data-image-upload-url attribute of an enclosing element (commissions.views_images), PNG or JPEG.

const FRENCH = {
  "Alternative Text": "Texte alternatif",
  Cancel: "Annuler",
  "Edit HTML": "Modifier le HTML",
  "Edit Link": "Lien",
  Insert: "Insérer",
  Prettify: "Indenter",
  "The HTML contents of the editor. Note that the allowed HTML is restricted by the editor schema.":
    "Le HTML du contenu. Seuls les titres, listes, tableaux, liens et images du portail sont gardés.",
  Title: "Titre (info-bulle)",
  Update: "Valider",
  URL: "Adresse (https://…, mailto:…)",
}
// The bundle reads window.gettext once, when it is evaluated: set it before importing it.
window.gettext = window.gettext || ((text) => FRENCH[text] || text)

const pe = await import("../django_prose_editor/editor.js")

const LABELS = {
  heading2: "Titre de niveau 2",
  heading3: "Titre de niveau 3",
  heading4: "Titre de niveau 4",
  paragraph: "Paragraphe",
  bulletList: "Liste à puces",
  orderedList: "Liste numérotée",
  blockquote: "Citation",
  horizontalRule: "Ligne de séparation",
  image: "Insérer une image (PNG ou JPEG) ou modifier son texte alternatif",
  bold: "Gras",
  italic: "Italique",
  underline: "Souligné",
  strike: "Barré",
  subscript: "Indice",
  superscript: "Exposant",
  link: "Insérer ou modifier un lien (sur le texte sélectionné)",
  unlink: "Retirer le lien",
  table: "Insérer un tableau",
  "table:addColumnAfter": "Ajouter une colonne",
  "table:deleteColumn": "Supprimer la colonne",
  "table:addRowAfter": "Ajouter une ligne",
  "table:deleteRow": "Supprimer la ligne",
  "table:mergeCells": "Fusionner les cellules",
  "table:splitCell": "Scinder la cellule",
  "table:toggleHeaderCell": "Cellule d'en-tête (ou normale)",
  "table:deleteTable": "Supprimer le tableau",
  "history:undo": "Annuler",
  "history:redo": "Rétablir",
  html: "Modifier le HTML",
}

const TOGGLES = new Set([
  "heading2",
  "heading3",
  "heading4",
  "orderedList",
  "blockquote",
  "bold",
  "italic",
  "underline",
  "strike",
  "subscript",
  "superscript",
])

// One row of buttons per group; no drop-down menu (its button is not reachable by keyboard).
const GROUPS = [
  { group: "blockType -lists" },
  { group: "lists" },
  { group: "nodes -blockType -lists" },
  { group: "marks" },
  { group: "link" },
  { group: "table" },
  { group: "history" },
  { group: "utility" },
]

const IMAGE_TYPES = ["image/png", "image/jpeg"]

function announce(status, message, isError = false) {
  status.textContent = message
  status.classList.toggle("text-danger", isError)
}

function pickFile() {
  return new Promise((resolve) => {
    const input = pe.crel("input", { type: "file", accept: IMAGE_TYPES.join(",") })
    input.addEventListener("change", () => resolve(input.files[0] || null))
    input.addEventListener("cancel", () => resolve(null))
    input.click()
  })
}

const altDialog = (title, submitText) =>
  pe.updateAttrsDialog(
    {
      alt: {
        type: "string",
        title: "Texte alternatif",
        description: "ce que montre l'image, pour qui ne la voit pas ; vide si elle est décorative",
      },
    },
    { title, submitText },
  )

async function uploadImage(editor, { uploadUrl, csrfToken, status }) {
  if (editor.isActive("image")) {
    const attrs = await altDialog("Image", "Valider")(editor, editor.getAttributes("image"))
    if (attrs) editor.chain().focus().updateAttributes("image", { alt: attrs.alt }).run()
    return
  }
  const file = await pickFile()
  if (!file) return
  if (file.type && !IMAGE_TYPES.includes(file.type)) {
    announce(status, "Seules les images PNG ou JPEG sont acceptées.", true)
    return
  }
  const attrs = await altDialog("Insérer une image", "Envoyer et insérer")(editor, { alt: "" })
  if (!attrs) return
  announce(status, `Envoi de l'image « ${file.name} »…`)
  const body = new FormData()
  body.append("image", file)
  let data = {}
  let ok = false
  try {
    const response = await fetch(uploadUrl, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
    })
    ok = response.ok
    data = await response.json().catch(() => ({}))
  } catch {
    data = { error: "Le portail n'a pas pu être joint : l'image n'a pas été envoyée." }
  }
  if (!ok || !data.url) {
    announce(status, data.error || "L'image n'a pas pu être envoyée.", true)
    return
  }
  editor.chain().focus().setImage({ src: data.url, alt: attrs.alt || "" }).run()
  announce(status, "Image insérée. Enregistrez le formulaire pour la garder.")
}

// Last extension (lowest priority): its addMenuItems runs after every other one's, so it can
// define the image button, replace the table dialog by a plain 3 × 3 table with a header row,
// and give every button a French label.
const PortalMenu = pe.Extension.create({
  name: "portalMenu",
  priority: 1,

  addOptions() {
    return { uploadUrl: "", csrfToken: "", status: null }
  },

  addMenuItems({ menu, buttons, _definedItems }) {
    const options = this.options
    if (options.uploadUrl && options.csrfToken) {
      menu.defineItem({
        name: "image",
        groups: "nodes",
        button: buttons.material("image", LABELS.image),
        active: (editor) => editor.isActive("image"),
        command(editor) {
          uploadImage(editor, options)
        },
      })
    }
    menu.defineItem({
      name: "table",
      groups: "table",
      button: buttons.material("grid_on", LABELS.table),
      command(editor) {
        editor.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run()
      },
    })
    for (const [name, item] of Object.entries(_definedItems)) {
      const label = LABELS[name]
      if (label && item.button) {
        item.button.title = label
        item.button.setAttribute("aria-label", label)
      }
    }
  },
})

function actuallyEmpty(html) {
  return /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html
}

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) return null
  const label = textarea.id ? document.querySelector(`label[for="${textarea.id}"]`) : null
  if (label && !label.id) label.id = `${textarea.id}_label`
  const help = textarea.id ? document.getElementById(`${textarea.id}_helptext`) : null
  const uploadHolder = textarea.closest("[data-image-upload-url]")
  const csrfInput = textarea.form?.querySelector("input[name=csrfmiddlewaretoken]")

  const element = pe.crel("div", { className: "prose-editor rich-text" })
  if (textarea.classList.contains("is-invalid")) element.classList.add("is-invalid")
  textarea.before(element)
  element.append(textarea)
  const status = pe.crel("div", { className: "rich-text-status small", role: "status" })
  element.after(status)

  const attributes = { role: "textbox", "aria-multiline": "true", spellcheck: "true", lang: "fr" }
  if (label) attributes["aria-labelledby"] = label.id
  else attributes["aria-label"] = "Contenu"
  if (help) attributes["aria-describedby"] = help.id

  const editor = new pe.Editor({
    element,
    injectCSS: false,
    content: textarea.value,
    editorProps: { attributes },
    extensions: [
      pe.Document,
      pe.Paragraph,
      pe.Text,
      pe.HardBreak,
      pe.Heading.configure({ levels: [2, 3, 4] }),
      pe.Bold,
      pe.Italic,
      pe.Underline,
      pe.Strike,
      pe.Subscript,
      pe.Superscript,
      pe.BulletList,
      pe.OrderedList,
      pe.ListItem,
      pe.Blockquote,
      pe.HorizontalRule,
      pe.Link.configure({ enableTarget: false }),
      pe.Table,
      pe.TableRow,
      pe.TableHeader,
      pe.TableCell,
      pe.Image.configure({ allowBase64: false }),
      pe.History,
      pe.Dropcursor,
      pe.Gapcursor,
      pe.HTML,
      pe.Menu.configure({ groups: GROUPS }),
      PortalMenu.configure({
        uploadUrl: uploadHolder?.dataset.imageUploadUrl || "",
        csrfToken: csrfInput?.value || "",
        status,
      }),
    ],
    onUpdate({ editor }) {
      textarea.value = actuallyEmpty(editor.getHTML())
    },
  })
  // The menu shows a button's state by classes only: tell assistive technologies too (and axe does
  // not count a button that cannot be used in the contrast check, as for a disabled one).
  const menubar = element.querySelector(".prose-menubar")
  const syncStates = () => {
    for (const button of menubar?.querySelectorAll("button") || []) {
      button.setAttribute("aria-disabled", String(button.classList.contains("disabled")))
      if (TOGGLES.has(button.dataset.name)) {
        button.setAttribute("aria-pressed", String(button.classList.contains("active")))
      }
    }
  }
  editor.on("transaction", syncStates)
  syncStates()
  // The label points at the hidden textarea: a click on it goes to the editor.
  label?.addEventListener("click", (event) => {
    event.preventDefault()
    editor.commands.focus()
  })
  element.dataset.richTextReady = ""
  return editor
}

for (const textarea of document.querySelectorAll("textarea[data-rich-text]")) {
  try {
    createEditor(textarea)
  } catch (error) {
    // The textarea comes back: its HTML can still be edited and saved.
    console.error("Éditeur de texte enrichi indisponible :", error)
    const holder = textarea.closest(".prose-editor")
    if (holder) {
      holder.before(textarea)
      holder.remove()
    }
  }
}
