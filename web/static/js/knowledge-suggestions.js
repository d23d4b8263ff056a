// 'Artikel dan tiket serupa' (issue 17): as the title, application, error code or description
// is typed, ask the server (debounced) and list what it suggests, each with why it matched.
// Built with DOM calls only: nothing the server sends is read as HTML.
(function () {
  "use strict";
  const panel = document.getElementById("saran-pengetahuan");
  if (!panel) {
    return;
  }
  const list = panel.querySelector(".suggestion-list");
  const names = ["judul", "aplikasi", "kode_error", "deskripsi"];
  const fields = names.map((name) => document.querySelector(`[name="${name}"]`)).filter(Boolean);
  let timer = null;
  let asked = "";

  function show(items) {
    list.replaceChildren();
    for (const item of items) {
      const entry = document.createElement("li");
      const link = document.createElement("a");
      link.href = item.link;
      link.textContent = (item.number ? item.number + " " : "") + item.title;
      const kind = document.createElement("span");
      kind.className = "suggestion-kind";
      kind.textContent = item.kind === "article" ? panel.dataset.article || "Artikel"
        : panel.dataset.ticket || "Tiket selesai";
      const reason = document.createElement("span");
      reason.className = "help suggestion-reason";
      reason.textContent = item.reason;
      entry.append(link, " ", kind, " ", reason);
      list.append(entry);
    }
    panel.hidden = items.length === 0;
  }

  function ask() {
    const query = new URLSearchParams();
    for (const field of fields) {
      if (field.value.trim()) {
        query.set(field.name, field.value.slice(0, 1000));
      }
    }
    const wanted = query.toString();
    if (wanted === asked) {
      return;
    }
    asked = wanted;
    if (!wanted) {
      show([]);
      return;
    }
    fetch(`${panel.dataset.url}?${wanted}`, { credentials: "same-origin",
      headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : { items: [] }))
      .then((body) => {
        if (asked === wanted) {
          show(body.items || []);
        }
      })
      .catch(() => show([]));
  }

  for (const field of fields) {
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(ask, 300);
    });
    field.addEventListener("change", ask);
  }
  ask();
})();
