// The entry esbuild bundles into tiptap.bundle.min.js (`npm run vendor:editor`, see static/vendor/README.md):
// TipTap's editor and the extensions the lesson editor uses, exposed as the global `TipTap`. What the
// extensions output (and so what the sanitizer must keep) is configured in static/js/lesson_editor.js.
export { Editor, Extension, Mark, Node, mergeAttributes } from "@tiptap/core";
export { StarterKit } from "@tiptap/starter-kit";
export { Link } from "@tiptap/extension-link";
export { Image } from "@tiptap/extension-image";
export { Table, TableRow, TableCell, TableHeader } from "@tiptap/extension-table";
export { Placeholder } from "@tiptap/extensions";
