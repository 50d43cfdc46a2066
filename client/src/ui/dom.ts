// A very small helper for building DOM: h("button", { class: "primary", onclick }, "Play").

type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown> & { class?: string; locate?: string; dataset?: Record<string, string> };

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") element.className = String(value);
      else if (key === "locate") element.dataset.locate = String(value);
      else if (key === "dataset") Object.assign(element.dataset, value);
      else if (key === "style" && typeof value === "object") Object.assign(element.style, value);
      else if (key.startsWith("on") && typeof value === "function") element.addEventListener(key.slice(2), value as EventListener);
      else if (key in element && typeof value !== "string") (element as unknown as Record<string, unknown>)[key] = value;
      else element.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `parent`. */
export function replace(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A `button` with a locate id (`button:<id>` in window.golf.locate). */
export function button(id: string, label: Child | Child[], onclick: (event: MouseEvent) => void, extra: Props = {}): HTMLButtonElement {
  return h("button", { type: "button", locate: `button:${id}`, onclick, ...extra }, label);
}
