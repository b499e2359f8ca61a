// The index of the <select>'s option whose text is `text` (ipywidgets writes spaces as U+00A0).
(s, text) => [...s.options].findIndex((o) => o.text.replace(/\u00a0/g, " ") === text);
