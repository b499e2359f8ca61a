// The text of the <select>'s selected option.
(s) => s.options[s.selectedIndex].text;
