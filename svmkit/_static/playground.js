// svmkit SVM playground: one ES module for the anywidget front ends (JupyterLab, Notebook 7,
// Colab, VS Code) and for the static website, where svmkit.playground inlines it next to a tiny
// model shim (get / set / on / off / save_changes) so that the same render({ model, el }) runs.
//
// The model holds: points [[x, y, label], ...] (data coordinates, label ±1), kernel ("linear" or
// "rbf"), C, sigma, view [xmin, xmax, ymin, ymax], presets {name: points}; the view writes result
// (support vectors, accuracy, dual objective, timings) back. The solver is LIBSVM's SMO for the
// soft-margin dual, exact up to its stopping tolerance, with k(x, x') = exp(-|x - x'|^2 / (2 sigma^2)).
// No dependency, no network: everything below is plain browser JavaScript.

const TAU = 1e-12; // LIBSVM's floor for a non-positive curvature
const GRID = 200; // decision values on a GRID x GRID lattice of the view
const SIZE = 420; // canvas size in CSS pixels (drawn at twice the resolution)
const POINT_RADIUS = 5;
const HIT_RADIUS = 10;
const CLASS_COLORS = { "-1": "#0072B2", "1": "#D55E00" }; // Okabe-Ito blue / vermilion, as svmkit.plot
// Margin bands z <= -1, -1 < z <= 0, 0 < z <= 1, z > 1 (svmkit.plot.BAND_COLORS).
const MARGIN_SV_COLOR = "#009E73"; // Okabe-Ito green, chapter 5's colour for margin SVs
const BAND_RGB = [[0x9c, 0xc3, 0xe0], [0xdc, 0xeb, 0xf6], [0xf8, 0xe0, 0xd0], [0xee, 0xb0, 0x8f]];
const PRESET_ORDER = ["blobs", "moons", "circles", "xor"];
const PRESET_NAMES = { blobs: "Blobs", moons: "Moons", circles: "Circles", xor: "XOR" };
const LOG_C_RANGE = [-2, 3];
const LOG_SIGMA_RANGE = [-1.5, 1];

// ------------------------------------------------------------------------------------------------
// The solver
// ------------------------------------------------------------------------------------------------

/** Gram matrix (row-major Float64Array n*n) of the points for "linear" or "rbf" with gamma. */
export function kernelMatrix(xs, ys, kernel, gamma) {
  const n = xs.length;
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let value;
      if (kernel === "linear") {
        value = xs[i] * xs[j] + ys[i] * ys[j];
      } else {
        const dx = xs[i] - xs[j];
        const dy = ys[i] - ys[j];
        value = Math.exp(-gamma * (dx * dx + dy * dy));
      }
      K[i * n + j] = value;
      K[j * n + i] = value;
    }
  }
  return K;
}

/**
 * Solve the soft-margin SVM dual with SMO as LIBSVM does (Fan, Chen & Lin 2005): the working pair
 * is the maximal violator i and the j of largest second-order gain; stop when the KKT gap
 * m(alpha) - M(alpha) < tol. Minimises 1/2 a'Qa - e'a, Q_ij = y_i y_j K_ij, 0 <= a <= C, y'a = 0.
 * `start` (optional) must be feasible; it warm-starts the solver.
 */
export function solveDual(K, y, C, { tol = 1e-5, maxIter = 0, budgetMs = 2000, start = null } = {}) {
  const n = y.length;
  const alpha = new Float64Array(n);
  if (start) alpha.set(start);
  const G = new Float64Array(n).fill(-1); // gradient Qa - e
  for (let i = 0; i < n; i++) {
    if (alpha[i] === 0) continue;
    const a = alpha[i] * y[i];
    const row = i * n;
    for (let k = 0; k < n; k++) G[k] += y[k] * a * K[row + k];
  }
  const limit = maxIter > 0 ? maxIter : Math.max(100000, 200 * n);
  let iterations = 0;
  let converged = n < 2;
  const deadline = performance.now() + budgetMs; // an unfinished answer beats a frozen page
  while (iterations < limit && n >= 2) {
    if ((iterations & 1023) === 1023 && performance.now() > deadline) break;
    // i: the maximal violating index of the "up" set.
    let Gmax = -Infinity;
    let i = -1;
    for (let t = 0; t < n; t++) {
      if (y[t] > 0) {
        if (alpha[t] < C && -G[t] >= Gmax) { Gmax = -G[t]; i = t; }
      } else if (alpha[t] > 0 && G[t] >= Gmax) { Gmax = G[t]; i = t; }
    }
    // j: among the "low" set, the largest decrease of a second-order model of the objective.
    let Gmax2 = -Infinity;
    let j = -1;
    let best = Infinity;
    const rowI = i >= 0 ? i * n : 0;
    const Kii = i >= 0 ? K[rowI + i] : 0;
    for (let t = 0; t < n; t++) {
      let gradDiff;
      if (y[t] > 0) {
        if (!(alpha[t] > 0)) continue;
        if (G[t] >= Gmax2) Gmax2 = G[t];
        gradDiff = Gmax + G[t];
      } else {
        if (!(alpha[t] < C)) continue;
        if (-G[t] >= Gmax2) Gmax2 = -G[t];
        gradDiff = Gmax - G[t];
      }
      if (i >= 0 && gradDiff > 0) {
        const quad = Kii + K[t * n + t] - 2 * K[rowI + t];
        const gain = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
        if (gain <= best) { best = gain; j = t; }
      }
    }
    if (Gmax + Gmax2 < tol || j < 0) { converged = true; break; }
    iterations++;

    const rowJ = j * n;
    const Kij = K[rowI + j];
    const oldI = alpha[i];
    const oldJ = alpha[j];
    if (y[i] !== y[j]) {
      let quad = Kii + K[rowJ + j] - 2 * Kij; // Q_ii + Q_jj + 2 Q_ij with Q_ij = -K_ij
      if (quad <= 0) quad = TAU;
      const delta = (-G[i] - G[j]) / quad;
      const diff = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (diff > 0) {
        if (alpha[j] < 0) { alpha[j] = 0; alpha[i] = diff; }
      } else if (alpha[i] < 0) { alpha[i] = 0; alpha[j] = -diff; }
      if (diff > 0) {
        if (alpha[i] > C) { alpha[i] = C; alpha[j] = C - diff; }
      } else if (alpha[j] > C) { alpha[j] = C; alpha[i] = C + diff; }
    } else {
      let quad = Kii + K[rowJ + j] - 2 * Kij; // Q_ii + Q_jj - 2 Q_ij with Q_ij = K_ij
      if (quad <= 0) quad = TAU;
      const delta = (G[i] - G[j]) / quad;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > C) {
        if (alpha[i] > C) { alpha[i] = C; alpha[j] = sum - C; }
      } else if (alpha[j] < 0) { alpha[j] = 0; alpha[i] = sum; }
      if (sum > C) {
        if (alpha[j] > C) { alpha[j] = C; alpha[i] = sum - C; }
      } else if (alpha[i] < 0) { alpha[i] = 0; alpha[j] = sum; }
    }
    const dI = (alpha[i] - oldI) * y[i];
    const dJ = (alpha[j] - oldJ) * y[j];
    for (let k = 0; k < n; k++) G[k] += y[k] * (K[rowI + k] * dI + K[rowJ + k] * dJ);
  }
  // An update can leave a bound vector a rounding error below C (sum - C in floating point). It
  // would then count as free and alone fix b, where LIBSVM (and the maths) treat it as bound.
  for (let i = 0; i < n; i++) if (alpha[i] < C && alpha[i] > C * (1 - 1e-10)) alpha[i] = C;
  return { alpha, G, b: -rho(alpha, G, y, C), iterations, converged };
}

/** LIBSVM's offset rho (b = -rho): mean of y_i G_i over free vectors, else the feasible midpoint. */
function rho(alpha, G, y, C) {
  let upper = Infinity;
  let lower = -Infinity;
  let free = 0;
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const yG = y[i] * G[i];
    if (alpha[i] >= C) {
      if (y[i] < 0) upper = Math.min(upper, yG); else lower = Math.max(lower, yG);
    } else if (alpha[i] <= 0) {
      if (y[i] > 0) upper = Math.min(upper, yG); else lower = Math.max(lower, yG);
    } else { free++; sum += yG; }
  }
  if (free > 0) return sum / free;
  return (upper + lower) / 2;
}

/** The dual objective sum(a) - 1/2 a'Qa = 1/2 sum a_i (1 - G_i), to be maximised. */
export function dualObjective(alpha, G) {
  let total = 0;
  for (let i = 0; i < alpha.length; i++) total += alpha[i] * (1 - G[i]);
  return total / 2;
}

/** A trained kernel SVM on the playground's points, with the caches that make retraining cheap. */
export class Machine {
  constructor() {
    this.key = null; // what the Gram matrix was computed from
    this.K = null;
    this.previous = null; // {labels, alpha, C} for warm starts
    this.fitted = null;
  }

  fit(points, kernel, C, sigma, { cold = false, tol = 1e-5 } = {}) {
    const started = performance.now();
    const n = points.length;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = points[i][0];
      ys[i] = points[i][1];
      y[i] = points[i][2] > 0 ? 1 : -1;
    }
    const gamma = 1 / (2 * sigma * sigma);
    const key = `${kernel}|${kernel === "rbf" ? gamma : ""}|${Array.from(xs)}|${Array.from(ys)}`;
    if (cold || key !== this.key) {
      this.K = kernelMatrix(xs, ys, kernel, gamma);
      this.key = key;
    }
    const classes = new Set(y);
    let solution;
    if (classes.size < 2) {
      // One class (or none): no constraint to balance; predict that class everywhere.
      solution = { alpha: new Float64Array(n), G: new Float64Array(n).fill(-1),
                   b: n ? y[0] : 0, iterations: 0, converged: true };
    } else {
      solution = solveDual(this.K, y, C, { tol, start: cold ? null : this.warmStart(y, C) });
    }
    const trainMs = performance.now() - started;
    const { alpha, G, b } = solution;
    const support = [];
    let bound = 0;
    for (let i = 0; i < n; i++) {
      if (alpha[i] > 0) {
        support.push(i);
        if (alpha[i] >= C) bound++;
      }
    }
    const coef = support.map((i) => alpha[i] * y[i]);
    let w = null;
    if (kernel === "linear") {
      w = [0, 0];
      support.forEach((i, s) => { w[0] += coef[s] * xs[i]; w[1] += coef[s] * ys[i]; });
    }
    this.previous = { labels: y, alpha, C };
    this.fitted = { n, xs, ys, y, kernel, gamma, C, sigma, alpha, b, support, coef, w,
                    sx: support.map((i) => xs[i]), sy: support.map((i) => ys[i]) };
    let correct = 0;
    for (let i = 0; i < n; i++) {
      // f(x_i) = y_i (G_i + 1) + b, from the gradient G = Qa - e, no kernel sums needed.
      const f = classes.size < 2 ? b : y[i] * (G[i] + 1) + b;
      if ((f > 0 ? 1 : -1) === y[i]) correct++;
    }
    return {
      n,
      nSupport: support.length,
      nBound: bound,
      trainAccuracy: n ? correct / n : 1,
      dualObjective: dualObjective(alpha, G),
      b,
      alpha: Array.from(alpha),
      w,
      marginWidth: w && (w[0] || w[1]) ? 2 / Math.hypot(w[0], w[1]) : null,
      iterations: solution.iterations,
      converged: solution.converged,
      trainMs,
    };
  }

  /** A feasible starting point from the last solution: same labels (new points appended at 0). */
  warmStart(y, C) {
    const last = this.previous;
    if (!last || last.labels.length > y.length) return null;
    for (let i = 0; i < last.labels.length; i++) if (last.labels[i] !== y[i]) return null;
    const start = new Float64Array(y.length);
    const scale = C < last.C ? C / last.C : 1; // scaling keeps y'a = 0 and 0 <= a <= C
    for (let i = 0; i < last.alpha.length; i++) {
      const value = last.alpha[i] * scale;
      // Rounding must not turn a bound vector (alpha = C) into a free one: b comes from the free.
      start[i] = value >= C * (1 - 1e-12) ? C : value;
    }
    return start;
  }

  /** Exact decision values f(x) = sum_s a_s y_s k(x_s, x) + b at the given points. */
  decision(xs, ys) {
    const m = this.fitted;
    const out = new Array(xs.length);
    for (let p = 0; p < xs.length; p++) {
      let f = m.b;
      if (m.kernel === "linear") {
        if (m.w) f += m.w[0] * xs[p] + m.w[1] * ys[p];
      } else {
        for (let s = 0; s < m.coef.length; s++) {
          const dx = xs[p] - m.sx[s];
          const dy = ys[p] - m.sy[s];
          f += m.coef[s] * Math.exp(-m.gamma * (dx * dx + dy * dy));
        }
      }
      out[p] = f;
    }
    return out;
  }

  /**
   * Decision values on a regular grid (row 0 at the top). The Gaussian kernel factorises over the
   * two coordinates, exp(-g dx^2) exp(-g dy^2), so the grid is a (rows x S)(S x cols) product of
   * small tables: 2 * GRID exponentials per support vector instead of GRID^2.
   */
  grid(view, size) {
    const m = this.fitted;
    const [x0, x1, y0, y1] = view;
    const f = new Float64Array(size * size).fill(m.b);
    const gx = new Float64Array(size);
    const gy = new Float64Array(size);
    for (let c = 0; c < size; c++) gx[c] = x0 + ((c + 0.5) * (x1 - x0)) / size;
    for (let r = 0; r < size; r++) gy[r] = y1 - ((r + 0.5) * (y1 - y0)) / size;
    if (m.kernel === "linear") {
      if (!m.w) return f;
      for (let r = 0; r < size; r++) {
        const base = m.w[1] * gy[r] + m.b;
        for (let c = 0; c < size; c++) f[r * size + c] = base + m.w[0] * gx[c];
      }
      return f;
    }
    const S = m.coef.length;
    const ex = new Float64Array(S * size);
    const ey = new Float64Array(S * size);
    for (let s = 0; s < S; s++) {
      for (let c = 0; c < size; c++) {
        const d = gx[c] - m.sx[s];
        ex[s * size + c] = Math.exp(-m.gamma * d * d);
      }
      for (let r = 0; r < size; r++) {
        const d = gy[r] - m.sy[s];
        ey[s * size + r] = m.coef[s] * Math.exp(-m.gamma * d * d);
      }
    }
    const rowValues = new Float64Array(size);
    const near = new Int32Array(S);
    for (let r = 0; r < size; r++) {
      // Support vectors far from this row contribute nothing visible: skip them.
      let count = 0;
      for (let s = 0; s < S; s++) if (Math.abs(ey[s * size + r]) >= 1e-12) near[count++] = s;
      rowValues.fill(m.b);
      let k = 0;
      for (; k + 4 <= count; k += 4) { // four support vectors per sweep: fewer loads and stores
        const s0 = near[k], s1 = near[k + 1], s2 = near[k + 2], s3 = near[k + 3];
        const a0 = ey[s0 * size + r], a1 = ey[s1 * size + r];
        const a2 = ey[s2 * size + r], a3 = ey[s3 * size + r];
        const b0 = s0 * size, b1 = s1 * size, b2 = s2 * size, b3 = s3 * size;
        for (let c = 0; c < size; c++) {
          rowValues[c] += a0 * ex[b0 + c] + a1 * ex[b1 + c] + a2 * ex[b2 + c] + a3 * ex[b3 + c];
        }
      }
      for (; k < count; k++) {
        const s = near[k];
        const a = ey[s * size + r];
        const base = s * size;
        for (let c = 0; c < size; c++) rowValues[c] += a * ex[base + c];
      }
      f.set(rowValues, r * size);
    }
    return f;
  }
}

// ------------------------------------------------------------------------------------------------
// Drawing
// ------------------------------------------------------------------------------------------------

function bandImage(f, size, context) {
  const image = context.createImageData(size, size);
  const data = image.data;
  for (let p = 0; p < size * size; p++) {
    const z = f[p];
    const band = z <= -1 ? 0 : z <= 0 ? 1 : z <= 1 ? 2 : 3;
    const rgb = BAND_RGB[band];
    data[4 * p] = rgb[0];
    data[4 * p + 1] = rgb[1];
    data[4 * p + 2] = rgb[2];
    data[4 * p + 3] = 255;
  }
  return image;
}

/**
 * The level set {f = level} by marching squares, as polylines in grid units (grid values sit at
 * integer coordinates). Each crossing lies on a grid edge, and an edge is shared by two cells, so
 * chaining the cells' segments through their edges gives whole lines (dashes then run smoothly).
 */
export function contour(f, size, level) {
  const position = new Map(); // edge id -> [u, v]
  const links = new Map(); // edge id -> neighbouring edge ids
  const link = (a, b) => {
    if (!links.has(a)) links.set(a, []);
    if (!links.has(b)) links.set(b, []);
    links.get(a).push(b);
    links.get(b).push(a);
  };
  for (let r = 0; r + 1 < size; r++) {
    for (let c = 0; c + 1 < size; c++) {
      const a = f[r * size + c] - level; // top left
      const b = f[r * size + c + 1] - level; // top right
      const d = f[(r + 1) * size + c] - level; // bottom left
      const e = f[(r + 1) * size + c + 1] - level; // bottom right
      const crossings = [];
      const add = (id, u, v) => { position.set(id, [u, v]); crossings.push(id); };
      // Edge ids: 2 (r size + c) for the edge going right from (r, c), + 1 for the one going down.
      if ((a > 0) !== (b > 0)) add(2 * (r * size + c), c + a / (a - b), r);
      if ((b > 0) !== (e > 0)) add(2 * (r * size + c + 1) + 1, c + 1, r + b / (b - e));
      if ((d > 0) !== (e > 0)) add(2 * ((r + 1) * size + c), c + d / (d - e), r + 1);
      if ((a > 0) !== (d > 0)) add(2 * (r * size + c) + 1, c, r + a / (a - d));
      if (crossings.length >= 2) link(crossings[0], crossings[1]);
      if (crossings.length === 4) link(crossings[2], crossings[3]);
    }
  }
  const lines = [];
  const visited = new Set();
  const walk = (from) => {
    const line = [position.get(from)];
    visited.add(from);
    let current = from;
    for (;;) {
      const next = links.get(current).find((id) => !visited.has(id));
      if (next === undefined) break;
      visited.add(next);
      line.push(position.get(next));
      current = next;
    }
    if (links.get(current).includes(from) && line.length > 2) line.push(line[0]); // a closed loop
    lines.push(line);
  };
  for (const [id, neighbours] of links) if (neighbours.length === 1 && !visited.has(id)) walk(id);
  for (const id of links.keys()) if (!visited.has(id)) walk(id);
  return lines;
}

function drawScene(canvas, offscreen, machine, points, result, view) {
  const context = canvas.getContext("2d");
  const scale = canvas.width / SIZE;
  context.setTransform(scale, 0, 0, scale, 0, 0);
  const [x0, x1, y0, y1] = view;
  const toU = (x) => ((x - x0) / (x1 - x0)) * SIZE;
  const toV = (y) => ((y1 - y) / (y1 - y0)) * SIZE;
  context.clearRect(0, 0, SIZE, SIZE);
  if (points.length) {
    const f = machine.grid(view, GRID);
    const small = offscreen.getContext("2d");
    small.putImageData(bandImage(f, GRID, small), 0, 0);
    context.imageSmoothingEnabled = true;
    context.drawImage(offscreen, 0, 0, SIZE, SIZE);
    const cell = SIZE / GRID; // grid values sit at cell centres
    for (const level of [-1, 0, 1]) {
      context.beginPath();
      for (const line of contour(f, GRID, level)) {
        line.forEach(([u, v], k) => {
          if (k === 0) context.moveTo((u + 0.5) * cell, (v + 0.5) * cell);
          else context.lineTo((u + 0.5) * cell, (v + 0.5) * cell);
        });
      }
      context.lineJoin = "round";
      context.setLineDash(level === 0 ? [] : [6, 4]);
      context.lineWidth = level === 0 ? 2 : 1.2;
      context.strokeStyle = "#262626";
      context.stroke();
    }
    context.setLineDash([]);
  } else {
    context.fillStyle = "#f4f4f4";
    context.fillRect(0, 0, SIZE, SIZE);
  }
  const m = machine.fitted;
  if (m && m.w && (m.w[0] || m.w[1])) {
    // w drawn from the boundary point nearest the view's centre to the line z = +1: length 1/|w|.
    const norm2 = m.w[0] * m.w[0] + m.w[1] * m.w[1];
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const t = (m.w[0] * cx + m.w[1] * cy + m.b) / norm2;
    const px = cx - t * m.w[0];
    const py = cy - t * m.w[1];
    const qx = px + m.w[0] / norm2;
    const qy = py + m.w[1] / norm2;
    arrow(context, toU(px), toV(py), toU(qx), toV(qy));
    context.fillStyle = "#111";
    context.font = "bold 14px sans-serif";
    context.fillText("w", toU(qx) + 6, toV(qy) - 6);
  }
  // Support vectors, as in chapter 5's figures: a ring whose area (beyond the point) grows in
  // proportion to alpha; green for margin SVs (0 < alpha < C), black and dashed for bound ones.
  if (m) {
    const inner = POINT_RADIUS + 2;
    const outer = POINT_RADIUS + 11;
    m.support.forEach((i) => {
      const a = Math.min(1, m.alpha[i] / m.C);
      const atBound = m.alpha[i] >= m.C;
      context.beginPath();
      context.arc(toU(m.xs[i]), toV(m.ys[i]), Math.sqrt(inner ** 2 + (outer ** 2 - inner ** 2) * a),
                  0, 2 * Math.PI);
      context.setLineDash(atBound ? [4, 2] : []);
      context.lineWidth = 1.8;
      context.strokeStyle = atBound ? "#111" : MARGIN_SV_COLOR;
      context.stroke();
    });
    context.setLineDash([]);
  }
  for (const [x, y, label] of points) {
    const u = toU(x);
    const v = toV(y);
    context.beginPath();
    if (label > 0) context.arc(u, v, POINT_RADIUS, 0, 2 * Math.PI);
    else context.rect(u - POINT_RADIUS, v - POINT_RADIUS, 2 * POINT_RADIUS, 2 * POINT_RADIUS);
    context.fillStyle = CLASS_COLORS[label > 0 ? "1" : "-1"];
    context.fill();
    context.lineWidth = 1.2;
    context.strokeStyle = "#fff";
    context.stroke();
  }
  return result;
}

function arrow(context, u0, v0, u1, v1) {
  const angle = Math.atan2(v1 - v0, u1 - u0);
  context.beginPath();
  context.moveTo(u0, v0);
  context.lineTo(u1, v1);
  context.lineWidth = 2;
  context.strokeStyle = "#111";
  context.stroke();
  context.beginPath();
  context.moveTo(u1, v1);
  context.lineTo(u1 - 10 * Math.cos(angle - 0.4), v1 - 10 * Math.sin(angle - 0.4));
  context.lineTo(u1 - 10 * Math.cos(angle + 0.4), v1 - 10 * Math.sin(angle + 0.4));
  context.closePath();
  context.fillStyle = "#111";
  context.fill();
}

// ------------------------------------------------------------------------------------------------
// State in the URL hash (static website only): #pg0.k=rbf&pg0.C=1&pg0.s=0.5&pg0.p=x,y,l;x,y,l
// ------------------------------------------------------------------------------------------------

const round = (value, digits) => Number(value.toPrecision(digits)); // significant digits
const fixed = (value) => Number(value.toFixed(4)); // point coordinates: 4 decimals, as in Python

export function encodeState(key, state) {
  const points = state.points.map(([x, y, l]) => `${fixed(x)},${fixed(y)},${l > 0 ? 1 : -1}`);
  return [`${key}.k=${state.kernel}`, `${key}.C=${round(state.C, 6)}`,
          `${key}.s=${round(state.sigma, 6)}`, `${key}.p=${points.join(";")}`].join("&");
}

export function decodeState(key, hash) {
  const fields = {};
  for (const part of hash.replace(/^#/, "").split("&")) {
    const at = part.indexOf("=");
    if (at > 0 && part.startsWith(`${key}.`)) fields[part.slice(key.length + 1, at)] = part.slice(at + 1);
  }
  if (!("p" in fields)) return null;
  const state = {};
  if (fields.k === "linear" || fields.k === "rbf") state.kernel = fields.k;
  const C = Number(fields.C);
  const sigma = Number(fields.s);
  if (C > 0 && Number.isFinite(C)) state.C = C;
  if (sigma > 0 && Number.isFinite(sigma)) state.sigma = sigma;
  state.points = fields.p === "" ? [] : fields.p.split(";").map((text) => text.split(",").map(Number))
    .filter((p) => p.length === 3 && p.every(Number.isFinite)).map(([x, y, l]) => [x, y, l > 0 ? 1 : -1]);
  return state;
}

function writeHash(key, state) {
  const others = location.hash.replace(/^#/, "").split("&")
    .filter((part) => /^pg\d+\./.test(part) && !part.startsWith(`${key}.`));
  const hash = [...others, encodeState(key, state)].join("&");
  history.replaceState(null, "", `${location.pathname}${location.search}#${hash}`);
}

// ------------------------------------------------------------------------------------------------
// The view
// ------------------------------------------------------------------------------------------------

let uniqueId = 0;

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function toggleButton(text, title) {
  return element("button", { type: "button", class: "svmkit-pg-toggle", "aria-pressed": "false",
                             title, text });
}

function registerController(controller) {
  const all = (window.svmkitPlaygrounds = window.svmkitPlaygrounds || []);
  all.push(controller);
  all.sort((a, b) => (a.el === b.el ? 0 :
    a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
}

function checkPoints(points) {
  if (!Array.isArray(points)) throw new TypeError("points must be an array of [x, y, label]");
  return points.map((p, i) => {
    if (!Array.isArray(p) || p.length !== 3 || !p.every(Number.isFinite)) {
      throw new TypeError(`points[${i}] must be [x, y, label] with finite numbers`);
    }
    if (p[2] !== 1 && p[2] !== -1) throw new RangeError(`points[${i}] label must be +1 or -1`);
    return [p[0], p[1], p[2]];
  });
}

function render({ model, el }) {
  const id = `svmkit-pg-${++uniqueId}`;
  const machine = new Machine();
  const root = element("div", { class: "svmkit-playground mathjax_ignore tex2jax_ignore" });
  el.append(root);
  const hashKey = model.get("url_hash") ? `pg${model.get("url_hash_index") || 0}` : null;

  // --- controls -------------------------------------------------------------------------------
  const plus = toggleButton("Class +1 (●)", "New points get label +1");
  const minus = toggleButton("Class −1 (■)", "New points get label −1");
  const eraser = toggleButton("Eraser", "Click points to remove them");
  const clear = element("button", { type: "button", text: "Clear", title: "Remove every point" });
  const classGroup = element("div", { role: "group", "aria-label": "Class of new points",
                                      class: "svmkit-pg-group" }, [plus, minus, eraser, clear]);
  const presets = model.get("presets") || {};
  const presetButtons = PRESET_ORDER.filter((name) => presets[name]).map((name) =>
    element("button", { type: "button", "data-preset": name, text: PRESET_NAMES[name],
                        title: `Replace the points by the ${PRESET_NAMES[name]} data set` }));
  const presetGroup = element("div", { role: "group", "aria-label": "Data sets",
                                       class: "svmkit-pg-group" },
                              [element("span", { text: "Data:" }), ...presetButtons]);
  const linear = toggleButton("Linear", "k(x, x′) = x·x′");
  const rbf = toggleButton("RBF", "k(x, x′) = exp(−‖x − x′‖² / (2σ²))");
  const kernelGroup = element("div", { role: "group", "aria-label": "Kernel",
                                       class: "svmkit-pg-group" },
                              [element("span", { text: "Kernel:" }), linear, rbf]);
  const slider = (name, label, range) => {
    const input = element("input", { type: "range", id: `${id}-${name}`, min: range[0],
                                     max: range[1], step: "0.05", "data-param": name });
    const output = element("output", { for: `${id}-${name}` });
    const row = element("div", { class: "svmkit-pg-slider" },
                        [element("label", { for: `${id}-${name}`, text: label }), input, output]);
    return { input, output, row };
  };
  const cSlider = slider("logC", "log₁₀ C", LOG_C_RANGE);
  const sigmaSlider = slider("logSigma", "log₁₀ σ", LOG_SIGMA_RANGE);
  const canvas = element("canvas", { width: 2 * SIZE, height: 2 * SIZE, role: "img",
                                     class: "svmkit-pg-canvas" });
  const offscreen = element("canvas", { width: GRID, height: GRID });
  const stats = element("div", { class: "svmkit-pg-stats", "aria-live": "polite" });
  const legend = element("div", { class: "svmkit-pg-legend",
    text: "● +1 · ■ −1 · solid line z = 0 · dashed lines z = ±1 · rings: support vectors, " +
          "area growing with α (green: margin SV, 0 < α < C; dashed black: bound SV, α = C)" });
  const help = element("div", { class: "svmkit-pg-help",
    text: "Click to add a point (shift-click: the other class), drag to move it." });
  root.append(classGroup, presetGroup, kernelGroup, cSlider.row, sigmaSlider.row, canvas, stats,
              legend, help);

  let newLabel = 1;
  let erasing = false;
  let lastResult = null;
  let frame = 0; // a pending requestAnimationFrame retrain
  let saveTimer = 0; // a pending save_changes

  function syncControls() {
    plus.setAttribute("aria-pressed", String(!erasing && newLabel > 0));
    minus.setAttribute("aria-pressed", String(!erasing && newLabel < 0));
    eraser.setAttribute("aria-pressed", String(erasing));
    const kernel = model.get("kernel");
    linear.setAttribute("aria-pressed", String(kernel === "linear"));
    rbf.setAttribute("aria-pressed", String(kernel === "rbf"));
    const C = model.get("C");
    const sigma = model.get("sigma");
    cSlider.input.value = String(Math.log10(C));
    cSlider.output.textContent = `C = ${round(C, 3)}`;
    cSlider.input.setAttribute("aria-valuetext", cSlider.output.textContent);
    sigmaSlider.input.value = String(Math.log10(sigma));
    sigmaSlider.output.textContent = `σ = ${round(sigma, 3)}`;
    sigmaSlider.input.setAttribute("aria-valuetext", sigmaSlider.output.textContent);
    sigmaSlider.input.disabled = kernel !== "rbf";
  }

  function describe(result) {
    const parts = [`${result.n} points`, `${result.nSupport} support vectors ` +
                   `(${result.nBound} at α = C)`,
                   `training accuracy ${(100 * result.trainAccuracy).toFixed(1)} %`,
                   `dual objective ${result.dualObjective.toPrecision(4)}`];
    if (result.marginWidth !== null) parts.push(`margin 2/‖w‖ = ${result.marginWidth.toPrecision(3)}`);
    else if (result.w) parts.push("w = 0: no boundary");
    if (!result.converged) parts.push("not converged");
    parts.push(`${result.ms.toFixed(1)} ms`);
    return parts.join(" · ");
  }

  /** Retrain and redraw now; returns the result written to the model. */
  function update({ cold = false } = {}) {
    if (frame) { cancelAnimationFrame(frame); frame = 0; }
    const started = performance.now();
    const points = model.get("points") || [];
    const view = model.get("view") || [-3, 3, -3, 3];
    const result = machine.fit(points, model.get("kernel"), model.get("C"), model.get("sigma"),
                               { cold });
    const drawStarted = performance.now();
    drawScene(canvas, offscreen, machine, points, result, view);
    result.drawMs = performance.now() - drawStarted;
    result.ms = performance.now() - started;
    lastResult = result;
    stats.textContent = points.length ? describe(result) : "No points yet: click to add some.";
    canvas.setAttribute("aria-label", `SVM playground: ${points.length} points, ` +
      `${model.get("kernel") === "rbf" ? "RBF" : "linear"} kernel, ${result.nSupport} support ` +
      "vectors. Click to add a point, shift-click for the other class, drag to move.");
    syncControls();
    model.set("result", result);
    scheduleSave();
    return result;
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; update(); });
  }

  // The result reaches Python a moment after the last retrain (changes from Python included),
  // not on every frame of a drag; a finished gesture commits at once, with its result.
  function scheduleSave() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => model.save_changes(), 250);
  }

  function commit() {
    if (frame) update();
    clearTimeout(saveTimer);
    model.save_changes();
    if (hashKey) {
      writeHash(hashKey, { points: model.get("points"), kernel: model.get("kernel"),
                           C: model.get("C"), sigma: model.get("sigma") });
    }
  }

  // --- pointer interaction ----------------------------------------------------------------------
  const toData = (event) => {
    const box = canvas.getBoundingClientRect();
    const [x0, x1, y0, y1] = model.get("view") || [-3, 3, -3, 3];
    const u = (event.clientX - box.left) / box.width;
    const v = (event.clientY - box.top) / box.height;
    return [x0 + u * (x1 - x0), y1 - v * (y1 - y0), u * SIZE, v * SIZE];
  };
  const hit = (u, v) => {
    const [x0, x1, y0, y1] = model.get("view") || [-3, 3, -3, 3];
    let best = -1;
    let bestDistance = HIT_RADIUS;
    (model.get("points") || []).forEach(([x, y], i) => {
      const d = Math.hypot(((x - x0) / (x1 - x0)) * SIZE - u, ((y1 - y) / (y1 - y0)) * SIZE - v);
      if (d <= bestDistance) { bestDistance = d; best = i; }
    });
    return best;
  };
  let dragging = -1;
  const erase = (u, v) => {
    const index = hit(u, v);
    if (index < 0) return false;
    const points = model.get("points").slice();
    points.splice(index, 1);
    model.set("points", points);
    return true;
  };
  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    const [x, y, u, v] = toData(event);
    canvas.setPointerCapture(event.pointerId);
    if (erasing) {
      erase(u, v);
      dragging = -2; // keep erasing while the pointer moves
      return;
    }
    const index = hit(u, v);
    if (index >= 0) { dragging = index; return; }
    const label = event.shiftKey ? -newLabel : newLabel;
    model.set("points", [...(model.get("points") || []), [fixed(x), fixed(y), label]]);
    dragging = model.get("points").length - 1;
  });
  canvas.addEventListener("pointermove", (event) => {
    if (dragging === -1) return;
    const [x, y, u, v] = toData(event);
    if (dragging === -2) { erase(u, v); return; }
    const [x0, x1, y0, y1] = model.get("view") || [-3, 3, -3, 3];
    const points = model.get("points").slice();
    const label = points[dragging][2];
    points[dragging] = [fixed(Math.min(x1, Math.max(x0, x))), fixed(Math.min(y1, Math.max(y0, y))),
                        label];
    model.set("points", points);
  });
  const release = () => {
    if (dragging === -1) return;
    dragging = -1;
    commit();
  };
  canvas.addEventListener("pointerup", release);
  canvas.addEventListener("pointercancel", release);

  // --- buttons and sliders ------------------------------------------------------------------------
  plus.addEventListener("click", () => { newLabel = 1; erasing = false; syncControls(); });
  minus.addEventListener("click", () => { newLabel = -1; erasing = false; syncControls(); });
  eraser.addEventListener("click", () => { erasing = !erasing; syncControls(); });
  clear.addEventListener("click", () => { model.set("points", []); commit(); });
  presetButtons.forEach((button) => button.addEventListener("click", () => {
    model.set("points", presets[button.dataset.preset].map((p) => p.slice()));
    commit();
  }));
  linear.addEventListener("click", () => { model.set("kernel", "linear"); commit(); });
  rbf.addEventListener("click", () => { model.set("kernel", "rbf"); commit(); });
  cSlider.input.addEventListener("input", () => {
    model.set("C", round(10 ** Number(cSlider.input.value), 6));
  });
  sigmaSlider.input.addEventListener("input", () => {
    model.set("sigma", round(10 ** Number(sigmaSlider.input.value), 6));
  });
  cSlider.input.addEventListener("change", commit);
  sigmaSlider.input.addEventListener("change", commit);

  // --- model events, URL hash, test API -------------------------------------------------------------
  const events = ["change:points", "change:kernel", "change:C", "change:sigma", "change:view"];
  events.forEach((name) => model.on(name, schedule));
  const onHash = () => {
    const state = decodeState(hashKey, location.hash);
    if (state) Object.entries(state).forEach(([name, value]) => model.set(name, value));
  };
  if (hashKey) {
    onHash();
    window.addEventListener("hashchange", onHash);
  }

  const controller = {
    el: root,
    setPoints(points) { model.set("points", checkPoints(points)); commit(); },
    setParams({ kernel, C, sigma } = {}) {
      if (kernel !== undefined) {
        if (kernel !== "linear" && kernel !== "rbf") throw new RangeError("kernel must be 'linear' or 'rbf'");
        model.set("kernel", kernel);
      }
      if (C !== undefined) {
        if (!(C > 0 && Number.isFinite(C))) throw new RangeError("C must be a finite number > 0");
        model.set("C", C);
      }
      if (sigma !== undefined) {
        if (!(sigma > 0 && Number.isFinite(sigma))) throw new RangeError("sigma must be a finite number > 0");
        model.set("sigma", sigma);
      }
      commit();
    },
    train({ cold = false } = {}) {
      const { nSupport, nBound, trainAccuracy, dualObjective, ms, trainMs, drawMs, b, iterations,
              converged } = update({ cold });
      clearTimeout(saveTimer);
      model.save_changes();
      return { nSupport, nBound, trainAccuracy, dualObjective, ms, trainMs, drawMs, b, iterations,
               converged };
    },
    decision(xs, ys) {
      if (frame || !lastResult) update();
      return machine.decision(xs, ys);
    },
    state() {
      if (frame || !lastResult) update();
      return { points: (model.get("points") || []).map((p) => p.slice()), kernel: model.get("kernel"),
               C: model.get("C"), sigma: model.get("sigma"), result: lastResult };
    },
  };
  registerController(controller);
  update(); // its result reaches Python shortly after

  return () => {
    events.forEach((name) => model.off(name, schedule));
    if (hashKey) window.removeEventListener("hashchange", onHash);
    if (frame) cancelAnimationFrame(frame);
    clearTimeout(saveTimer);
    const all = window.svmkitPlaygrounds || [];
    const at = all.indexOf(controller);
    if (at >= 0) all.splice(at, 1);
    root.remove();
  };
}

// ------------------------------------------------------------------------------------------------
// The static website: a model shim with the anywidget interface, no kernel behind it
// ------------------------------------------------------------------------------------------------

/** An in-page stand-in for the anywidget model: get / set / on / off / save_changes. */
export function staticModel(state) {
  const values = { ...state };
  const listeners = new Map();
  return {
    get: (name) => values[name],
    set(name, value) {
      const changed = JSON.stringify(values[name]) !== JSON.stringify(value);
      values[name] = value;
      if (changed) (listeners.get(`change:${name}`) || []).slice().forEach((callback) => callback());
    },
    on(name, callback) {
      if (!listeners.has(name)) listeners.set(name, []);
      listeners.get(name).push(callback);
    },
    off(name, callback) {
      const list = listeners.get(name) || [];
      const at = list.indexOf(callback);
      if (at >= 0) list.splice(at, 1);
    },
    save_changes() {},
  };
}

/** Render a playground into `el` from a state object, with its state in the URL hash. */
export function mountStatic(el, state) {
  const index = Array.from(document.querySelectorAll(".svmkit-playground-static")).indexOf(el);
  const model = staticModel({ ...state, url_hash: true, url_hash_index: Math.max(0, index) });
  return render({ model, el });
}

export default { render };
