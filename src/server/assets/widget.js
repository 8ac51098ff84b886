// guide-search embeddable search box.
//   <script src="https://search.example.org/widget.js" data-ui="fr" defer></script>
// or, anywhere in the page once the script is loaded:
//   <guide-search-box ui="en" placeholder="…"></guide-search-box>
// It renders a search box with suggestions inside a shadow root (its styles and the
// page's cannot touch each other) and sends the visitor to the results page. The
// suggestions come from the search service, which must list this site's origin in
// GUIDE_SEARCH_ALLOWED_ORIGINS. Nothing is stored, no cookie is sent.
"use strict";

(function () {
  const script = document.currentScript;
  const origin = new URL(script ? script.src : "/", window.location.href).origin;
  const labels = {
    fr: { label: "Rechercher dans le guide", button: "Rechercher", placeholder: "Par exemple : trousse médicolégale", suggestions: "Suggestions" },
    en: { label: "Search the guide", button: "Search", placeholder: "For example: rape kit", suggestions: "Suggestions" },
    es: { label: "Buscar en la guía", button: "Buscar", placeholder: "Por ejemplo: kit médico-legal", suggestions: "Sugerencias" },
  };
  const css = `
    :host { all: initial; display: block; font-family: system-ui, sans-serif; color: #1d1d1f; }
    /* Inherited properties cross the shadow boundary: set every one the box shows. */
    form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; color: #1d1d1f; font: 16px/1.5 system-ui, sans-serif; text-align: left; }
    label { flex-basis: 100%; font-weight: 600; }
    .combo { position: relative; flex: 1 1 12rem; }
    input { width: 100%; box-sizing: border-box; font: inherit; padding: .55rem .7rem; border: 2px solid #4a4a52; border-radius: .4rem; }
    button { font: inherit; font-weight: 600; padding: .55rem 1rem; border: 0; border-radius: .4rem; background: #4b2a8a; color: #fff; cursor: pointer; }
    :focus-visible { outline: 3px solid #1a5fd0; outline-offset: 2px; }
    ul { position: absolute; z-index: 5; left: 0; right: 0; margin: .25rem 0 0; padding: .25rem 0; list-style: none; background: #fff; border: 2px solid #4a4a52; border-radius: .4rem; }
    li { padding: .4rem .7rem; cursor: pointer; }
    li[aria-selected="true"], li:hover { background: #4b2a8a; color: #fff; }`;
  let count = 0;

  class GuideSearchBox extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const ui = labels[this.getAttribute("ui")] ? this.getAttribute("ui") : "fr";
      const text = labels[ui];
      const id = "gsb-" + ++count;
      const root = this.attachShadow({ mode: "open" });
      const style = document.createElement("style");
      style.textContent = css;
      const form = document.createElement("form");
      form.setAttribute("role", "search");
      form.action = origin + "/search";
      form.method = "get";
      form.target = "_top";
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = this.getAttribute("label") || text.label;
      const combo = document.createElement("div");
      combo.className = "combo";
      const input = document.createElement("input");
      Object.assign(input, { id: id, type: "search", name: "q", autocomplete: "off", maxLength: 512 });
      input.placeholder = this.getAttribute("placeholder") || text.placeholder;
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", id + "-list");
      const list = document.createElement("ul");
      list.id = id + "-list";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", text.suggestions);
      list.hidden = true;
      const hidden = document.createElement("input");
      Object.assign(hidden, { type: "hidden", name: "ui", value: ui });
      const button = document.createElement("button");
      button.type = "submit";
      button.textContent = text.button;
      combo.append(input, list);
      form.append(label, combo, hidden, button);
      root.append(style, form);

      let options = [];
      let active = -1;
      let timer = 0;
      const close = () => {
        list.hidden = true;
        input.setAttribute("aria-expanded", "false");
        input.removeAttribute("aria-activedescendant");
        active = -1;
      };
      const select = (index) => {
        options.forEach((o, i) => o.setAttribute("aria-selected", String(i === index)));
        active = index;
        if (index >= 0) input.setAttribute("aria-activedescendant", options[index].id);
      };
      const choose = (index) => {
        const option = options[index];
        if (!option) return;
        if (option.dataset.id) {
          const params = new URLSearchParams({ q: input.value, ui: ui });
          window.top.location.assign(origin + "/docs/" + option.dataset.id + "?" + params.toString());
        } else {
          input.value = option.dataset.text;
          form.submit();
        }
      };
      const suggest = async () => {
        const q = input.value;
        if (!q.trim()) return close();
        try {
          const params = new URLSearchParams({ q: q, ui: ui });
          const response = await fetch(origin + "/api/suggest?" + params.toString(), { credentials: "omit" });
          if (!response.ok || q !== input.value) return;
          const data = await response.json();
          options = data.suggestions.map((s, i) => {
            const li = document.createElement("li");
            li.id = id + "-option-" + i;
            li.setAttribute("role", "option");
            li.setAttribute("aria-selected", "false");
            li.textContent = s.text;
            li.dataset.text = s.text;
            if (s.id) li.dataset.id = s.id;
            li.addEventListener("mousedown", (event) => {
              event.preventDefault();
              choose(i);
            });
            return li;
          });
          list.replaceChildren(...options);
          list.hidden = options.length === 0;
          input.setAttribute("aria-expanded", String(options.length > 0));
          active = -1;
        } catch (_) {
          close();
        }
      };
      input.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(suggest, 200);
      });
      input.addEventListener("keydown", (event) => {
        if (event.key === "ArrowDown" && options.length) {
          event.preventDefault();
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
          select((active + 1) % options.length);
        } else if (event.key === "ArrowUp" && options.length) {
          event.preventDefault();
          select(active <= 0 ? options.length - 1 : active - 1);
        } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
          event.preventDefault();
          choose(active);
        } else if (event.key === "Escape") {
          close();
        }
      });
      input.addEventListener("blur", () => setTimeout(close, 100));
    }
  }

  if (!customElements.get("guide-search-box")) customElements.define("guide-search-box", GuideSearchBox);
  // The one-line embed: a box right after the script tag, unless the page places its own
  // <guide-search-box> elements (and the script says nothing of a language).
  const placesItsOwn = document.querySelector("guide-search-box") !== null;
  if (script && !script.dataset.mounted && (script.dataset.ui !== undefined || !placesItsOwn)) {
    script.dataset.mounted = "true";
    const box = document.createElement("guide-search-box");
    box.setAttribute("ui", script.dataset.ui || "fr");
    script.after(box);
  }
})();
