// svmkit's image player, shared by MarginAnimation.to_html and StaticSlider.to_html.
//
// frames: image data URIs in row-major order of the axes (itertools.product order in Python).
// config: {
//   axes: [{name, labels, start, stride}],  one range input per axis;
//   alt: [before, after],   the image's alt text is before + "setting, setting" + after;
//   play: {delay} or null,  a play/pause button that steps through the first axis;
//   captions: [...] or null, one caption per frame, shown under the image;
//   controlsFirst: whether the sliders come above the image.
// }
// An axis with a name is a labelled slider whose <output> shows its value ("C = 10"); an axis
// without a name steps through frames ("frame 2 of 9") next to a counter "2 / 9".
function svmkitPlayer(root, frames, config) {
  var image = root.querySelector("img");
  var inputs = [], values = [], button = null, timer = null, caption = null;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function show() {
    var index = 0, settings = [];
    config.axes.forEach(function (axis, k) {
      var position = parseInt(inputs[k].value, 10), label = axis.labels[position];
      index += position * axis.stride;
      settings.push(axis.name ? axis.name + " = " + label : label);
      inputs[k].setAttribute("aria-valuetext", settings[k]);
      values[k].textContent = axis.name ? label : (position + 1) + " / " + axis.labels.length;
    });
    image.src = frames[index];
    image.alt = config.alt[0] + settings.join(", ") + config.alt[1];
    if (caption) { caption.textContent = config.captions[index]; }
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    button.textContent = "\u25b6 play";
    button.setAttribute("aria-label", "play");
  }

  function step() {
    var input = inputs[0], next = parseInt(input.value, 10) + 1;
    if (next > parseInt(input.max, 10)) { stop(); return; }
    input.value = next;
    show();
  }

  function addPlayButton(row) {
    button = element("button", "", "\u25b6 play");
    button.type = "button";
    button.id = root.id + "-play";
    button.setAttribute("aria-label", "play");
    button.addEventListener("click", function () {
      if (timer !== null) { stop(); return; }
      var input = inputs[0];
      if (input.value === input.max) { input.value = 0; show(); }
      button.textContent = "\u275a\u275a pause";
      button.setAttribute("aria-label", "pause");
      timer = setInterval(step, config.play.delay);
    });
    // Space anywhere in the player plays or pauses (the button handles its own keys).
    root.addEventListener("keydown", function (event) {
      if (event.key !== " " || event.target === button) { return; }
      event.preventDefault();
      button.click();
    });
    row.appendChild(button);
  }

  function addSlider(axis, k) {
    var row = element("div", "svmkit-player-row");
    var input = element("input");
    input.type = "range";
    input.id = root.id + "-s" + k;
    input.min = 0;
    input.max = axis.labels.length - 1;
    input.step = 1;
    input.value = axis.start;
    if (axis.name) {
      var label = element("label", "", axis.name);
      label.htmlFor = input.id;
      row.appendChild(label);
      values.push(element("output"));
      values[k].setAttribute("for", input.id);
    } else {
      if (config.play && k === 0) { addPlayButton(row); }
      input.setAttribute("aria-label", "frame");
      values.push(element("span"));
    }
    input.addEventListener("input", function () {
      if (timer !== null) { stop(); }
      show();
    });
    inputs.push(input);
    row.appendChild(input);
    row.appendChild(values[k]);
    return row;
  }

  var rows = config.axes.map(addSlider);
  rows.forEach(function (row) {
    if (config.controlsFirst) { root.insertBefore(row, image); } else { root.appendChild(row); }
  });
  if (config.captions) {
    caption = element("div", "svmkit-player-caption");
    root.appendChild(caption);
  }
  show();
}
