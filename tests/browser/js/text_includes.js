// The first match of `sel` exists and its textContent contains `text`.
([sel, text]) => (document.querySelector(sel)?.textContent || "").includes(text);
