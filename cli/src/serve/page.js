// The practitioner's page: a form made from the guide's vocabulary, results that follow it.
// Everything is built with DOM calls and textContent (no HTML from data), and talks only to
// this service.
"use strict";

const state = { guide: null, last: null, pending: null, sequence: 0 };

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function words(name) {
  const text = name.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function headers(extra) {
  const all = Object.assign({}, extra);
  const token = sessionStorage.getItem("practice-guide-token");
  if (token) all.Authorization = "Bearer " + token;
  return all;
}

async function call(path, options) {
  const response = await fetch(path, Object.assign({}, options, {
    headers: headers((options || {}).headers),
  }));
  if (response.status === 401) {
    document.getElementById("token-box").hidden = false;
    throw new Error("This service needs its access token.");
  }
  return response;
}

// ---- The form, from the vocabulary ----

function factField(fact) {
  const id = "fact-" + fact.name;
  const hint = el("p", { id: id + "-hint", class: "hint", text: fact.description });
  const fieldset = el("fieldset", { id: id, "data-fact": fact.name, "aria-describedby": id + "-hint" },
    el("legend", { text: words(fact.name) }), hint);
  const notKnown = (type) => el("label", {},
    el("input", { type: type, name: fact.name, value: "", checked: true, "data-not-known": true }),
    " Not known");
  switch (fact.type) {
    case "boolean":
      fieldset.append(notKnown("radio"),
        el("label", {}, el("input", { type: "radio", name: fact.name, value: "true" }), " Yes"),
        el("label", {}, el("input", { type: "radio", name: fact.name, value: "false" }), " No"));
      break;
    case "one_of":
      fieldset.append(notKnown("radio"));
      for (const value of fact.values) {
        fieldset.append(el("label", {},
          el("input", { type: "radio", name: fact.name, value: value.id }),
          " " + (value.description || words(value.id))));
      }
      break;
    case "set_of": {
      const known = fact.name + "--known";
      fieldset.append(
        el("label", {}, el("input", { type: "radio", name: known, value: "", checked: true, "data-not-known": true }), " Not known"),
        el("label", {}, el("input", { type: "radio", name: known, value: "known", "data-known": true }),
          " Known: the ones ticked below (none ticked: none)"));
      const list = el("div", { class: "choices", role: "group", "aria-label": words(fact.name) + ": values" });
      for (const value of fact.values) {
        list.append(el("label", {},
          el("input", { type: "checkbox", name: fact.name, value: value.id }),
          " " + (value.description || words(value.id))));
      }
      fieldset.append(list);
      break;
    }
    case "integer":
      fieldset.append(el("label", { for: id + "-input", text: "Value (empty: not known)" }),
        el("input", { id: id + "-input", type: "number", name: fact.name, step: "1",
          min: fact.min, max: fact.max, inputmode: "numeric" }));
      break;
    default:
      fieldset.append(el("label", { for: id + "-input", text: "Value (empty: not known)" }),
        el("input", { id: id + "-input", type: "text", name: fact.name }));
  }
  return fieldset;
}

function profile() {
  const form = document.getElementById("family");
  const out = {};
  for (const fact of state.guide.facts) {
    const inputs = form.querySelectorAll(`[name="${fact.name}"]`);
    if (fact.type === "set_of") {
      const known = form.querySelector(`[name="${fact.name}--known"][data-known]`);
      if (known && known.checked) {
        out[fact.name] = [...inputs].filter((i) => i.checked).map((i) => i.value);
      }
    } else if (fact.type === "boolean" || fact.type === "one_of") {
      const chosen = [...inputs].find((i) => i.checked && i.value !== "");
      if (chosen) out[fact.name] = fact.type === "boolean" ? chosen.value === "true" : chosen.value;
    } else if (inputs[0] && inputs[0].value.trim() !== "") {
      out[fact.name] = fact.type === "integer" ? Number(inputs[0].value) : inputs[0].value;
    }
  }
  return out;
}

function onInput(event) {
  const input = event.target;
  // Ticking a value of a set makes the set known; choosing "not known" clears its ticks.
  const fieldset = input.closest("fieldset");
  if (fieldset && input.type === "checkbox" && input.checked) {
    const known = fieldset.querySelector("[data-known]");
    if (known) known.checked = true;
  }
  if (fieldset && input.dataset.notKnown !== undefined && input.checked) {
    fieldset.querySelectorAll("input[type=checkbox]").forEach((box) => { box.checked = false; });
  }
  schedule();
}

function schedule() {
  clearTimeout(state.pending);
  state.pending = setTimeout(evaluate, 120);
}

// ---- Results ----

async function evaluate() {
  const sequence = ++state.sequence;
  const status = document.getElementById("status");
  const sent = profile();
  try {
    const response = await call("/evaluate", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(sent),
    });
    const body = await response.json();
    if (sequence !== state.sequence) return; // a newer answer is on its way
    if (!response.ok) {
      status.textContent = body.error ? body.error.message : "The service refused the profile.";
      return;
    }
    state.last = body;
    state.known = Object.keys(sent).length;
    render(body);
  } catch (error) {
    status.textContent = error.message;
  }
}

function evidence(rule) {
  return rule.evidence ? rule.evidence.label : null;
}

function sources(rule) {
  if (!rule.sources || rule.sources.length === 0) return null;
  const list = el("ul", { class: "sources" });
  for (const source of rule.sources) {
    list.append(el("li", {},
      el("a", { href: source.url, rel: "noreferrer", text: source.note || source.url })));
  }
  return el("div", {}, el("p", { class: "label", text: "Where the guide says so" }), list);
}

function residualText(residual) {
  if (!residual) return "";
  if (residual.test) return residual.test.test;
  const [word, items] = residual.all ? [" and ", residual.all] : [" or ", residual.any];
  const parts = [...new Set(items.map(residualText))];
  return parts.length === 1 ? parts[0] : "(" + parts.join(word) + ")";
}

function ruleCard(rule) {
  const card = el("article", { id: "result-" + rule.id, class: "result " + rule.status, "data-status": rule.status },
    el("h4", { text: rule.title }),
    evidence(rule) ? el("p", { class: "evidence", text: evidence(rule) }) : el("p", { class: "evidence", text: rule.kind === "principle" ? "Key principle" : "Evidence not rated" }),
    el("p", { text: rule.statement }));
  if (rule.status === "undetermined" && rule.residual) {
    card.append(el("p", { class: "residual" },
      el("strong", { text: "Would apply if: " }), residualText(rule.residual)));
  }
  if (rule.status === "applies" && rule.actions && rule.actions.length) {
    const list = el("ul", { class: "actions" });
    for (const action of rule.actions) {
      list.append(el("li", { text: action.text + (action.status === "undetermined" ? " (still open)" : "") }));
    }
    card.append(el("p", { class: "label", text: "How" }), list);
  }
  card.append(sources(rule));
  return card;
}

function render(evaluation) {
  const rules = evaluation.recommendations.concat(evaluation.principles);
  const groups = { applies: [], undetermined: [], does_not_apply: [] };
  for (const rule of rules) (groups[rule.status] || groups.does_not_apply).push(rule);
  const fill = (id, list, empty) => {
    const node = document.getElementById(id);
    node.replaceChildren(...(list.length ? list.map(ruleCard) : [el("p", { text: empty })]));
  };
  fill("applies", groups.applies, "Nothing yet.");
  fill("open", groups.undetermined, "Nothing is open.");
  fill("not", groups.does_not_apply, "Everything applies or is open.");
  const known = state.known === 1 ? "1 fact known" : `${state.known} facts known`;
  document.getElementById("status").textContent =
    `${known}: ${groups.applies.length} apply, ${groups.undetermined.length} still open, ` +
    `${groups.does_not_apply.length} do not apply.`;
  nextQuestion(evaluation.questions || []);
}

function nextQuestion(questions) {
  const box = document.getElementById("next-question");
  document.querySelectorAll("fieldset.asked").forEach((f) => f.classList.remove("asked"));
  if (questions.length === 0) {
    box.replaceChildren();
    box.removeAttribute("data-fact");
    return;
  }
  const question = questions[0];
  box.setAttribute("data-fact", question.fact);
  const fieldset = document.getElementById("fact-" + question.fact);
  if (fieldset) fieldset.classList.add("asked");
  const strongest = question.strongest ? ` (strongest: ${question.strongest.label})` : "";
  const button = el("button", { type: "button", text: "Answer it" });
  button.addEventListener("click", () => {
    const first = fieldset && fieldset.querySelector("input");
    if (first) first.focus();
  });
  box.replaceChildren(el("div", { class: "next" },
    el("p", { class: "label", text: "Ask next: " + words(question.fact) }),
    el("p", { text: question.description }),
    el("p", { text: `Answering it could settle ${question.settles.length} result(s)${strongest}.` }),
    button));
}

// ---- Exports ----

function download(name, type, text) {
  const link = el("a", { href: URL.createObjectURL(new Blob([text], { type: type })), download: name });
  document.body.append(link);
  link.click();
  link.remove();
}

async function exportMarkdown() {
  const response = await call("/evaluate?format=markdown", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(profile()),
  });
  if (response.ok) download("evaluation.md", "text/markdown", await response.text());
}

function exportJson() {
  if (state.last) download("evaluation.json", "application/json", JSON.stringify(state.last, null, 2));
}

// ---- Start ----

async function start() {
  try {
    const response = await call("/guide");
    state.guide = await response.json();
  } catch (error) {
    document.getElementById("loading").textContent = error.message;
    return;
  }
  const guide = state.guide;
  document.getElementById("guide-title").textContent = guide.title;
  document.title = guide.title + ": what the guide recommends for this family";
  document.getElementById("guide-meta").textContent =
    `${guide.publisher}, ${guide.published}. Encoding ${guide.version}, content hash ${guide.content_hash}.`;
  const form = document.getElementById("family");
  form.replaceChildren(...guide.facts.map(factField));
  form.addEventListener("change", onInput);
  form.addEventListener("input", (event) => { if (event.target.type === "number" || event.target.type === "text") schedule(); });
  form.addEventListener("submit", (event) => event.preventDefault());
  document.getElementById("reset").addEventListener("click", () => {
    form.querySelectorAll("[data-not-known]").forEach((input) => { input.checked = true; });
    form.querySelectorAll("input[type=checkbox]").forEach((box) => { box.checked = false; });
    form.querySelectorAll("input[type=number], input[type=text]").forEach((input) => { input.value = ""; });
    schedule();
  });
  evaluate();
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("export-markdown").addEventListener("click", exportMarkdown);
  document.getElementById("export-json").addEventListener("click", exportJson);
  document.getElementById("token-save").addEventListener("click", () => {
    sessionStorage.setItem("practice-guide-token", document.getElementById("token").value);
    document.getElementById("token-box").hidden = true;
    start();
  });
  start();
});
