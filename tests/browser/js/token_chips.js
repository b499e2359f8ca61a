// test_sequence_browser: every word chip of the token strip, in data-index order:
// { index, word (the chip's own text, without the "?" of an unknown word), value (its
// data-value), background (its computed colour) }.
() => [...document.querySelectorAll(".nnw-sequence-input .nnw-tokens .nnw-token")]
  .map((chip) => ({
    index: Number(chip.dataset.index),
    word: chip.firstChild ? chip.firstChild.textContent : "",
    value: chip.dataset.value,
    background: getComputedStyle(chip).backgroundColor,
  }))
  .sort((a, b) => a.index - b.index);
