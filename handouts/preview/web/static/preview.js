// Live updates from the server (server-sent events): page images, errors, findings and
// the build status change in place, without reloading. Text only goes in through
// textContent, never as HTML.
"use strict";
(function () {
  const docKey = document.body.dataset.doc || "";
  const statusEl = document.getElementById("status");

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function pemat(v) { return v === null || v === undefined ? "—" : Math.round(v) + "%"; }
  function pagesText(d) { return (d.pages || "—") + (d.fit ? " (" + d.fit + ")" : ""); }

  function showStatus(s) {
    if (!statusEl) return;
    statusEl.className = "status status-" + s.state;
    statusEl.textContent = s.state === "building" ? "Building " + (s.done || 0) + " of " + (s.total || "?") + "…"
      : s.state === "ready" ? "Up to date" : s.state === "broken" ? "Not built: see the error" : "Starting…";
  }

  function errorCard(errors) {
    const card = el("section", "error-card");
    card.setAttribute("role", "alert");
    card.appendChild(el("h2", "", "This document cannot be built"));
    for (const e of errors) {
      const box = el("div", "error");
      if (e.where) { const p = el("p", "where"); p.appendChild(el("code", "", e.where)); box.appendChild(p); }
      box.appendChild(el("p", "message", e.message));
      if (e.lines && e.lines.length) {
        const pre = el("pre", "source");
        for (const [no, text, bad] of e.lines) {
          const line = el("span", "line" + (bad ? " offending" : ""));
          line.appendChild(el("span", "no", String(no)));
          line.appendChild(document.createTextNode(text));
          pre.appendChild(line);
        }
        box.appendChild(pre);
      }
      card.appendChild(box);
    }
    card.appendChild(el("p", "hint", "Fix the file and save: the page comes back by itself."));
    return card;
  }

  function setFacts(root, d) {
    const f = d.findings || {};
    const values = {
      pages: pagesText(d), reading: f.reading || "—", understandable: pemat(f.understandable),
      actionable: pemat(f.actionable), pemat: pemat(f.understandable) + " / " + pemat(f.actionable),
      review: f.review || "—", warnings: String((d.warnings || []).length + (f.items || []).length),
    };
    for (const dd of root.querySelectorAll("[data-f]")) {
      const v = values[dd.dataset.f];
      if (v !== undefined && dd.textContent !== v) dd.textContent = v;
    }
  }

  function updateDocument(d) {
    const pages = document.getElementById("pages");
    const broken = d.status === "broken" || d.status === "failed";
    const old = pages.querySelector(".error-card, .waiting");
    if (old) old.remove();
    let imgs = Array.from(pages.querySelectorAll("img.page"));
    if (broken) {
      pages.insertBefore(errorCard(d.errors || []), pages.firstChild);
    }
    // Only images whose name changed are replaced: a name is its picture's hash.
    d.images.forEach(function (name, i) {
      let img = imgs[i];
      if (!img) {
        img = el("img", "page");
        pages.appendChild(img);
      }
      if (img.dataset.name !== name) {
        img.dataset.name = name;
        img.src = "/img/" + name + ".png";
      }
      img.alt = "Page " + (i + 1) + " of " + d.images.length;
      img.hidden = broken;
    });
    imgs.slice(d.images.length).forEach(function (img) { img.remove(); });
    if (!broken && !d.images.length) pages.appendChild(el("p", "waiting", "Building…"));
    setFacts(document.getElementById("findings"), d);
    const items = document.getElementById("items");
    items.replaceChildren();
    for (const w of d.warnings || []) {
      const li = el("li", "warning"); li.appendChild(el("span", "sev", "warning"));
      li.appendChild(document.createTextNode(" " + w)); items.appendChild(li);
    }
    for (const [sev, where, message] of (d.findings || {}).items || []) {
      const li = el("li", sev); li.appendChild(el("span", "sev", sev));
      li.appendChild(document.createTextNode(" ")); li.appendChild(el("code", "", where));
      li.appendChild(document.createTextNode(" " + message)); items.appendChild(li);
    }
    if (!items.children.length) items.appendChild(el("li", "none", "None"));
  }

  function updateCard(d) {
    const card = document.querySelector('.card[data-key="' + CSS.escape(d.key) + '"]');
    if (!card) return;
    card.className = "card doc-" + d.status;
    const thumb = card.querySelector(".thumb");
    const broken = d.status === "broken" || d.status === "failed";
    const img = thumb.querySelector("img");
    if (broken) {
      thumb.replaceChildren(el("span", "thumb-error", "Error"));
    } else if (d.thumbnail && (!img || img.dataset.name !== d.thumbnail)) {
      const next = el("img");
      next.src = "/img/" + d.thumbnail + ".png"; next.alt = ""; next.width = 119; next.height = 154;
      next.dataset.name = d.thumbnail;
      thumb.replaceChildren(next);
    }
    setFacts(card, d);
  }

  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
  if (!window.EventSource || document.querySelector("form.desk")) return;
  const source = new EventSource("/events" + (docKey ? "?doc=" + encodeURIComponent(docKey) : ""));
  source.addEventListener("status", function (e) { showStatus(JSON.parse(e.data)); });
  source.addEventListener("document", function (e) {
    const d = JSON.parse(e.data);
    if (docKey) { if (d.key === docKey) updateDocument(d); } else updateCard(d);
  });
  source.addEventListener("catalogue", function () { if (!docKey) location.reload(); });
  source.addEventListener("reload", function () { location.reload(); });
})();
