import { arr, follow, inNextFrame, tippedCanvas } from "./common.js";

function render({ model, el }) {
  const { canvas, ctx, at, tell } = tippedCanvas(el, "nnw-image-canvas");
  canvas.style.border = "1px solid #888";
  const cells = document.createElement("canvas"), cctx = cells.getContext("2d");
  let frame = 0;
  const draw = () => {
    const rows = model.get("rows"), cols = model.get("cols");
    const px = Math.max(1, model.get("cell_px"));
    const rgb = arr(model.get("pixels"), Uint8Array), n = rows * cols;
    canvas.width = cols * px; canvas.height = rows * px;
    cells.width = cols; cells.height = rows;
    const image = cctx.createImageData(cols, rows);
    let sum = 0;
    for (let i = 0; i < n && 3 * i + 2 < rgb.length; i++) {
      for (let k = 0; k < 3; k++) { image.data[4 * i + k] = rgb[3 * i + k]; sum += rgb[3 * i + k]; }
      image.data[4 * i + 3] = 255;
    }
    cctx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;  // big cells stay sharp squares
    ctx.drawImage(cells, 0, 0, cols * px, rows * px);
    canvas.dataset.frame = String(++frame); canvas.dataset.checksum = String(sum);
  };
  canvas.addEventListener("pointermove", (ev) => {
    const px = Math.max(1, model.get("cell_px")), [x, y] = at(ev);
    const r = Math.floor(y / px), c = Math.floor(x / px), cols = model.get("cols");
    if (r < 0 || r >= model.get("rows") || c < 0 || c >= cols) { tell(0, 0, ""); return; }
    const rgb = arr(model.get("pixels"), Uint8Array), i = 3 * (r * cols + c);
    tell(x, y, `row ${r}, col ${c}: rgb(${rgb[i]}, ${rgb[i + 1]}, ${rgb[i + 2]})`);
  });
  return follow(model, ["rows", "cols", "cell_px", "pixels"], draw, inNextFrame(draw));
}
export default { render };
