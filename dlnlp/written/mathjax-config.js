// The kit's MathJax settings. A file, not an inline <script>: the page's policy runs no inline
// script at all, so nothing a student writes can run as one either.
window.MathJax = {
  skipStartupTypeset: true, // typeset below: the release's questions first, then the answers
  showMathMenu: false,
  messageStyle: "none",
  // a printed page needs no progressive display: no pauses between chunks (3x faster)
  processSectionDelay: 0,
  processUpdateDelay: 0,
  "fast-preview": { disabled: true },
  menuSettings: { assistiveMML: false },
  // only the maths the markdown parser found (span/div.math, escaped text), nothing else
  tex2jax: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["$$", "$$"], ["\\[", "\\]"]],
    processEscapes: false,
    processClass: "math",
    ignoreClass: "tex2jax_ignore",
  },
  // a \def loop or a macro that doubles itself stops with an error, not a hung page
  TeX: { MAXMACROS: 1000, MAXBUFFER: 5 * 1024 },
  // the Safe extension: no \href, \style, \class, \cssId, \require from a student's TeX
  Safe: {
    allow: { URLs: "none", classes: "none", cssIDs: "none", styles: "none", require: "none" },
  },
  // jupyter-server-mathjax ships only the STIX-Web fonts (MathJax would look for TeX's)
  "HTML-CSS": {
    availableFonts: ["STIX-Web"], preferredFont: "STIX-Web", webFont: "STIX-Web", imageFont: null,
    EqnChunk: 1000, EqnChunkFactor: 1, EqnChunkDelay: 0,
  },
  SVG: { font: "STIX-Web" },
  AuthorInit: function () {
    MathJax.Hub.Register.StartupHook("End", function () {
      var hub = MathJax.Hub;
      var all = function (selector) {
        return Array.prototype.slice.call(document.querySelectorAll(selector));
      };
      // a student's \def then cannot change how a question reads: questions are typeset already
      hub.Queue(["Typeset", hub, all(".question .math")]);
      hub.Queue(["Typeset", hub, all(".answer .math")]);
      hub.Queue(function () { document.documentElement.setAttribute("data-typeset", "done"); });
    });
  },
};
