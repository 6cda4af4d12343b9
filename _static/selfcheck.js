// Self-checks in the page (book/_ext/selfcheck.py writes the tables): no kernel, no server.
(function () {
  "use strict";
  function fnv1a(text) {
    let h = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(text)) {
      h ^= byte;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }
  function hex8(n) { return n.toString(16).padStart(8, "0"); }
  function keystream(seed, n) {
    let s = seed >>> 0 || 0x9e3779b9;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s ^= (s << 13) >>> 0; s >>>= 0;
      s ^= s >>> 17;
      s ^= (s << 5) >>> 0; s >>>= 0;
      out[i] = s & 0xff;
    }
    return out;
  }
  function unseal(exercise, canonicals, sealed) {
    const data = Uint8Array.from(atob(sealed), (c) => c.charCodeAt(0));
    const key = keystream(fnv1a(exercise + "|key|" + canonicals.join("|")), data.length);
    const text = new TextDecoder().decode(data.map((b, i) => b ^ key[i]));
    return text.startsWith("✔|") ? text.slice(2) : null;
  }
  // A whole number as Python writes it: 1600; "1,600", "1 600", "1_600" and "1600.0" are read too.
  function readCount(text) {
    const t = text.trim().replace(/[,_\s](?=\d{3}(\D|$))/g, "");
    if (!/^-?\d+(\.0*)?$/.test(t)) return null;
    return String(BigInt(t.split(".")[0]));
  }
  // A shape: "(None, 5, 1)", "[None, 5, 1]", "None, 5, 1", "(5,)".
  function readShape(text) {
    let t = text.trim();
    if (/^[(\[]/.test(t)) {
      if (!/[)\]]$/.test(t)) return null;
      t = t.slice(1, -1);
    }
    const items = t.split(",").map((x) => x.trim());
    if (items.length > 1 && items[items.length - 1] === "") items.pop();
    if (!items.length || items.some((x) => x === "")) return null;
    const out = [];
    for (const x of items) {
      if (/^(none|null)$/i.test(x)) out.push("None");
      else if (/^\d+$/.test(x)) out.push(String(BigInt(x)));
      else return null;
    }
    return "(" + out.join(", ") + (out.length === 1 ? "," : "") + ")";
  }
  function fill(template, canon) {
    const commas = /^\d+$/.test(canon) ? BigInt(canon).toLocaleString("en-US") : canon;
    return template.split("{answer:,}").join(commas).split("{answer}").join(canon);
  }
  function show(box, outcome, heading, message) {
    box.innerHTML = "";
    const div = document.createElement("div");
    div.className = "selfcheck-verdict selfcheck-" + outcome;
    div.dataset.outcome = outcome;
    const strong = document.createElement("strong");
    strong.textContent = heading;
    div.appendChild(strong);
    for (const par of message.split("\n\n")) {
      if (!par.trim()) continue;
      const p = document.createElement("p");
      p.textContent = par;
      div.appendChild(p);
    }
    box.appendChild(div);
  }
  function verdict(data, inputs) {
    const canonicals = [];
    for (const [i, field] of data.fields.entries()) {
      const raw = inputs[i].value;
      if (!raw.trim()) return ["not-attempted", "… Not attempted", `Type ${field.name} first.`];
      const canon = field.kind === "shape" ? readShape(raw) : readCount(raw);
      if (canon === null) {
        return ["incorrect", "✘ Not yet", field.kind === "shape"
          ? `${field.name} should be a shape such as (None, 3, 2), with None for the batch axis.`
          : `${field.name} should be a whole number, written with digits.`];
      }
      canonicals.push(canon);
      const key = hex8(fnv1a(`${data.exercise}|${field.name}|${canon}`));
      if (field.right.includes(key)) continue;
      const axes = canon.startsWith("(") ? canon.split(",").filter((x) => x.trim()).length : null;
      const generic = field.generic && (field.axes === null || axes === field.axes);
      const message = field.named[key] || (generic ? fill(field.generic, canon)
        : `${canon} is not it, and it is none of the mistakes this page knows. Try a hint, ` +
          "or check it in the notebook, whose check can say more.");
      return ["incorrect", "✘ Not yet", message];
    }
    for (const sealed of data.notes) {
      const note = unseal(data.exercise, canonicals, sealed);
      if (note !== null) return ["correct", "✔ Correct", note];
    }
    return ["incorrect", "✘ Not yet", "Each answer is right on its own, but not together; " +
      "check them in the notebook."];
  }
  function setUp(root) {
    const data = JSON.parse(root.dataset.selfcheck);
    const form = root.querySelector("form");
    const inputs = [...root.querySelectorAll("input[data-field]")];
    const box = root.querySelector(".selfcheck-result");
    let hintsShown = 0;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const [outcome, heading, message] = verdict(data, inputs);
      show(box, outcome, `${data.exercise}: ${heading}`, message);
    });
    root.querySelector(".selfcheck-hint").addEventListener("click", () => {
      if (!data.hints.length) return;
      const n = Math.min(hintsShown, data.hints.length - 1);
      hintsShown = n + 1;
      show(box, "hint", `${data.exercise}: Hint ${n + 1} of ${data.hints.length}`, data.hints[n]);
    });
  }
  function start() { document.querySelectorAll("div.selfcheck").forEach(setUp); }
  if (typeof window !== "undefined") {
    window.labSelfcheck = { fnv1a, unseal, readCount, readShape, verdict };  // for the tests
  }
  if (typeof document === "undefined") return;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
