// Brief, plain messages at the top of the screen (server errors, joins, reconnection news).

export type ToastKind = "info" | "error" | "good";

export function toast(message: string, kind: ToastKind = "info", ms = 2800): void {
  const host = document.getElementById("toasts");
  if (!host) return;
  const note = document.createElement("div");
  note.className = `toast ${kind}`;
  note.textContent = message;
  host.appendChild(note);
  // Keep at most three on screen.
  while (host.children.length > 3) host.firstElementChild?.remove();
  setTimeout(() => {
    note.classList.add("leaving");
    setTimeout(() => note.remove(), 300);
  }, ms);
}
