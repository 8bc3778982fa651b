#pragma once
// The style and script the HTML report carries inline, so that the file works offline and alone.
#include <string_view>

namespace mx3pid::reports::detail {

inline constexpr std::string_view html_style = R"css(
:root { --pass: #1a7f37; --warn: #9a6700; --fail: #cf222e; --noimp: #8250df; --error: #a40e26; --skip: #6e7781;
        --xfail: #0969da; --xpass: #bf3989; --notrun: #57606a; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em; color: #1f2328; }
h1 { font-size: 1.4em; margin: 0 0 .5em; }
h3 { font-size: 1em; margin: 1em 0 .3em; }
dl.run, dl.facts { display: grid; grid-template-columns: max-content auto; gap: .1em 1em; margin: .5em 0; }
dt { font-weight: 600; }
dd { margin: 0; }
.counts { font-weight: 600; font-size: 1.1em; }
.warnings li { color: var(--warn); }
#filter { border: 1px solid #d0d7de; margin: 1em 0; }
#filter label { margin-right: 1em; white-space: nowrap; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #d0d7de; padding: .2em .5em; text-align: left; vertical-align: top; }
#grid td { text-align: center; font-size: .85em; font-weight: 600; }
#grid td a { color: inherit; text-decoration: none; display: block; }
#grid td.dim { opacity: .2; }
td.none { color: #8c959f; }
.v-pass { --c: var(--pass); } .v-warn { --c: var(--warn); } .v-fail { --c: var(--fail); }
.v-not-implemented { --c: var(--noimp); } .v-error { --c: var(--error); } .v-skip { --c: var(--skip); }
.v-xfail { --c: var(--xfail); } .v-xpass { --c: var(--xpass); } .v-not-run { --c: var(--notrun); }
#grid td[data-verdict] { background: color-mix(in srgb, var(--c) 18%, white); color: var(--c); }
#filter label, .checks td:nth-child(2) { color: var(--c); font-weight: 600; }
.case { border-left: 4px solid var(--c); padding: .2em .8em; margin: .6em 0; background: #f6f8fa; }
.case summary { cursor: pointer; }
.cause { border-left: 4px solid var(--c); padding: .1em .8em; margin: .6em 0; }
.cause h3 { margin: .3em 0; font-size: 1em; }
.cause p { margin: .3em 0; }
.badge { display: inline-block; min-width: 5.5em; color: white; background: var(--c); border-radius: 3px;
         text-align: center; font-size: .8em; font-weight: 700; padding: 0 .3em; }
.headline { margin: .4em 0; }
pre { background: white; border: 1px solid #d0d7de; padding: .5em; overflow-x: auto; white-space: pre-wrap;
      word-break: break-all; font-size: .85em; }
)css";

inline constexpr std::string_view html_script = R"js(
(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll('#filter input'));
  function apply() {
    var shown = {};
    boxes.forEach(function (box) { shown[box.value] = box.checked; });
    document.querySelectorAll('.case').forEach(function (section) {
      section.hidden = !shown[section.dataset.verdict];
    });
    document.querySelectorAll('#grid td[data-verdict]').forEach(function (cell) {
      cell.classList.toggle('dim', !shown[cell.dataset.verdict]);
    });
  }
  // "#show=fail,error" in the address shows only those verdicts, so that a view can be linked to.
  var wanted = /^#show=(.*)$/.exec(window.location.hash);
  if (wanted) {
    var list = decodeURIComponent(wanted[1]).split(',');
    boxes.forEach(function (box) { box.checked = list.indexOf(box.value) >= 0; });
  }
  boxes.forEach(function (box) { box.addEventListener('change', apply); });
  apply();
  document.body.setAttribute('data-ready', 'true');
})();
)js";

}  // namespace mx3pid::reports::detail
