// A modal dialog over the page: a labelled panel on a backdrop. Escape, the close button or a click on
// the backdrop closes it; Tab stays inside; focus returns where it was.
import { button, h } from "./dom.ts";

export interface Dialog {
  panel: HTMLElement;
  close(): void;
}

export function openDialog(title: string, body: (dialog: Dialog) => (Node | string)[], options: { id?: string } = {}): Dialog {
  const returnFocus = document.activeElement as HTMLElement | null;
  const heading = h("h2", { id: `dialog-title-${options.id ?? "x"}` }, title);
  const panel = h("section", { class: "panel dialog", role: "dialog", "aria-modal": "true", "aria-labelledby": heading.id });
  const backdrop = h("div", { class: "dialog-backdrop" }, panel);
  const onKey = (event: KeyboardEvent) => {
    if (event.key === "Escape") {
      event.preventDefault();
      dialog.close();
    } else if (event.key === "Tab") keepFocusInside(event);
  };
  const dialog: Dialog = {
    panel,
    close() {
      document.removeEventListener("keydown", onKey, true);
      backdrop.remove();
      returnFocus?.focus?.();
    },
  };
  function keepFocusInside(event: KeyboardEvent): void {
    const focusable = [...panel.querySelectorAll<HTMLElement>("input, button, a[href]")].filter((element) => !element.closest("[hidden]") && !(element as HTMLButtonElement).disabled);
    if (focusable.length === 0) return;
    const first = focusable[0]!;
    const last = focusable.at(-1)!;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }
  panel.append(
    h("header", { class: "dialog-head" }, heading, button("closeDialog", "✕", () => dialog.close(), { class: "icon ghost", "aria-label": "Close" })),
    ...body(dialog),
  );
  backdrop.addEventListener("mousedown", (event) => {
    if (event.target === backdrop) dialog.close();
  });
  document.addEventListener("keydown", onKey, true);
  document.body.appendChild(backdrop);
  (panel.querySelector("input") ?? panel.querySelector<HTMLElement>("button.primary"))?.focus();
  return dialog;
}
