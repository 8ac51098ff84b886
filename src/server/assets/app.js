// guide-search: progressive enhancement of the search page. Without this script the page
// works (the form submits to /search); with it: results as you type, a suggestions list
// (ARIA combobox), and the quick exit by pressing Escape twice. Nothing is stored in the
// browser, nothing is sent anywhere but this site, and no HTML from the network is ever
// inserted: snippets are rebuilt as text nodes and <mark> elements.
"use strict";

(function () {
  const body = document.body;
  const ui = body.dataset.ui || "fr";
  const exitUrl = body.dataset.exitUrl;
  const text = JSON.parse(body.dataset.strings || "{}");

  // Quick exit: replace this page (so that Back does not return to it) with a neutral site.
  function quickExit(event) {
    if (event) event.preventDefault();
    document.title = "";
    body.hidden = true;
    window.location.replace(exitUrl);
  }
  const exitButton = document.getElementById("quick-exit");
  if (exitButton) exitButton.addEventListener("click", quickExit);
  let lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const now = Date.now();
    if (now - lastEscape < 800) quickExit(event);
    lastEscape = now;
  });

  const input = document.getElementById("q");
  const list = document.getElementById("suggestions");
  const form = input && input.form;
  if (!input || !list || !form) return;
  let results = document.getElementById("results");
  if (!results) {
    results = document.createElement("div");
    results.id = "results";
    form.after(results);
  }

  function el(name, attributes, children) {
    const node = document.createElement(name);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
    for (const child of children || []) node.append(child);
    return node;
  }

  const entities = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'" };
  function decode(s) {
    return s.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (m) => entities[m]);
  }
  // A snippet is escaped text with <mark> tags: rebuild it as nodes, never as HTML.
  function snippetNodes(snippet) {
    const nodes = [];
    snippet.split(/(<mark>|<\/mark>)/).reduce((marked, part) => {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      if (part) nodes.push(marked ? el("mark", {}, [decode(part)]) : document.createTextNode(decode(part)));
      return marked;
    }, false);
    return nodes;
  }

  function searchUrl(q) {
    const params = new URLSearchParams({ q: q, ui: ui });
    return "/search?" + params.toString();
  }
  function withQuery(url, q) {
    const [path, anchor] = url.split("#");
    const params = new URLSearchParams({ q: q, ui: ui });
    return path + "?" + params.toString() + (anchor ? "#" + anchor : "");
  }
  const languageNames = { fr: "Français", en: "English", es: "Español" };

  function renderResults(response) {
    const q = response.query;
    const children = [el("p", { id: "status", role: "status" }, [
      (response.total === 1 ? text.results_one : text.results_many).replace("{n}", response.total),
    ])];
    if (response.did_you_mean) {
      children.push(el("p", { class: "did-you-mean" }, [
        text.did_you_mean + " ", el("a", { href: searchUrl(response.did_you_mean) }, [response.did_you_mean]), " ?",
      ]));
    }
    if (response.total === 0) {
      // Never a dead end: the helpline, and sections to start from.
      const none = el("div", { class: "no-results" }, [
        el("p", {}, [text.no_results]),
        el("p", { class: "numbers" }, [text.help_numbers]),
        el("p", {}, [text.help_danger]),
      ]);
      const starts = response.starting_points || [];
      if (starts.length) {
        none.append(el("h2", { id: "start-here" }, [text.start_here]));
        none.append(el("ul", { "aria-labelledby": "start-here" }, starts.map((section) =>
          el("li", {}, [el("a", { href: section.url + "?" + new URLSearchParams({ ui: ui }).toString() }, [section.title])]))));
      }
      children.push(none);
    } else {
      const facets = el("nav", { class: "facets", "aria-label": text.filters });
      const facet = (name, key, counts, label) => {
        const row = el("div", { class: "facet" }, [el("span", { class: "facet-name" }, [name])]);
        for (const [value, count] of Object.entries(counts)) {
          const params = new URLSearchParams({ q: q, ui: ui });
          params.set(key, value);
          row.append(el("a", { href: "/search?" + params.toString() }, [label(value) + " (" + count + ")"]), " ");
        }
        return row;
      };
      const typeName = (t) => ({ guide: text.type_guide, committee: text.type_committee, partner: text.type_partner })[t] || t;
      facets.append(facet(text.filter_type, "type", response.facets.type, typeName));
      facets.append(facet(text.filter_lang, "doc_lang", response.facets.lang, (l) => languageNames[l] || l));
      children.push(facets);
      const ol = el("ol", { class: "hits" });
      for (const hit of response.hits) {
        // The hit's own language on what is in it, so that a screen reader reads it so.
        const item = el("li", { class: "hit" }, [
          el("h3", { lang: hit.lang }, [el("a", { href: withQuery(hit.url, q) }, [hit.title])]),
        ]);
        if (hit.heading !== hit.title) item.append(el("p", { class: "heading", lang: hit.lang }, [hit.heading]));
        item.append(el("p", { class: "snippet", lang: hit.lang }, snippetNodes(hit.snippet)));
        const others = Object.entries(hit.translations);
        if (others.length) {
          const also = el("p", { class: "also" }, [text.also_in + " "]);
          for (const [lang, id] of others) {
            also.append(el("a", { class: "translation", href: withQuery("/docs/" + id, q), hreflang: lang, lang: lang }, [languageNames[lang]]), " ");
          }
          item.append(also);
        }
        ol.append(item);
      }
      children.push(ol);
      if (response.hits.length < response.total) {
        const params = new URLSearchParams({ q: q, ui: ui, offset: String(response.hits.length) });
        children.push(el("nav", { class: "pages" }, [el("a", { id: "more", rel: "next", href: "/search?" + params.toString() }, [text.more_results])]));
      }
    }
    results.replaceChildren(...children);
  }

  // Suggestions: the ARIA combobox pattern.
  let options = [];
  let active = -1;
  function closeList() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function setActive(index) {
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", options[index].id);
    else input.removeAttribute("aria-activedescendant");
  }
  function choose(index) {
    const option = options[index];
    if (!option) return;
    if (option.dataset.id) {
      window.location.assign(withQuery("/docs/" + option.dataset.id, input.value));
      return;
    }
    input.value = option.dataset.text + " ";
    closeList();
    run(input.value);
  }
  function renderSuggestions(suggestions) {
    options = suggestions.map((suggestion, i) => {
      const option = el("li", { id: "suggestion-" + i, role: "option", "aria-selected": "false" }, [suggestion.text]);
      option.dataset.text = suggestion.text;
      if (suggestion.id) {
        option.dataset.id = suggestion.id;
        option.className = "title";
      }
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(i);
      });
      return option;
    });
    list.replaceChildren(...options);
    active = -1;
    if (options.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    } else {
      closeList();
    }
  }

  let timer = 0;
  let generation = 0;
  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" });
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }
  function run(q) {
    const current = ++generation;
    if (!q.trim()) {
      closeList();
      return;
    }
    const params = new URLSearchParams({ q: q, ui: ui });
    history.replaceState(null, "", searchUrl(q.trim()));
    getJson("/api/suggest?" + params.toString())
      .then((data) => { if (current === generation) renderSuggestions(data.suggestions); })
      .catch(() => closeList());
    getJson("/api/search?" + params.toString())
      .then((data) => { if (current === generation) renderResults(data); })
      .catch(() => {});
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value), 200);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      setActive((active + 1) % options.length);
    } else if (event.key === "ArrowUp" && options.length) {
      event.preventDefault();
      setActive(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape" && !list.hidden) {
      closeList();
    }
  });
  input.addEventListener("blur", () => setTimeout(closeList, 100));
})();
