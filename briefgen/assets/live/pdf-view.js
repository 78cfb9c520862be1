(function () {
  // The PDF tab of briefgen serve: a PDF served raw can't run script, so this page embeds
  // it and follows /__briefgen/events. When the brief's new PDF is ready it reloads the
  // embed once (at the page shown, when the viewer says which: #page=N); meanwhile it
  // says "updating…", and when the save has errors it says so over the last good PDF.
  var me = document.currentScript;
  var since = (me && me.getAttribute("data-briefgen-since")) || "0";
  var body = document.body;
  var name = body.getAttribute("data-name");  // "memo", or "annex/memo"
  var brief = name.split("/").pop();
  var key = body.getAttribute("data-key");
  var frame = document.getElementById("briefgen-pdf");
  var status = document.getElementById("briefgen-pdf-status");
  var text = document.getElementById("briefgen-pdf-state");
  var list = document.getElementById("briefgen-pdf-problems");
  window.briefgenPdfReloads = 0;
  window.briefgenPdfStates = [];
  function show(state, message, problems) {
    status.setAttribute("data-state", state);
    text.textContent = message;
    list.replaceChildren();
    (problems || []).forEach(function (p) {
      var item = document.createElement("li");
      item.textContent = p;
      list.append(item);
    });
    window.briefgenPdfStates.push(state);
  }
  function errors(problems) {
    return problems.filter(function (p) { return p.indexOf(": error: ") >= 0; });
  }
  function pageNumber() {
    var found = null;
    try {  // the viewer may keep its page in the frame's address; not every viewer does
      found = /[#&]page=(\d+)/.exec(frame.contentWindow.location.hash);
    } catch (e) { found = null; }
    found = found || /[#&]page=(\d+)/.exec(frame.getAttribute("src") || "");
    return found ? found[1] : "";
  }
  function reload(pdf, next) {
    var page = pageNumber();
    key = next;
    frame.setAttribute("src", "/" + pdf + "?v=" + next + (page ? "#page=" + page : ""));
    window.briefgenPdfReloads += 1;
  }
  function connect() {
    var url = "/__briefgen/events?page=" + encodeURIComponent(brief + ".html") +
      "&since=" + since;
    var source = new EventSource(url);
    source.addEventListener("update", function (e) {
      var d = JSON.parse(e.data);
      since = e.lastEventId;
      var failed = errors(d.problems);
      if (failed.length) {
        show("error", "the last save has errors: this is the last good PDF", failed);
      } else if (d.pages.indexOf(brief + ".html") >= 0) {
        show("updating", "updating…");
      }
    });
    source.addEventListener("problems", function (e) {
      since = e.lastEventId;
      var failed = errors(JSON.parse(e.data).problems);
      if (failed.length) {
        show("error", "the build has errors: this is the last good PDF", failed);
      }
    });
    source.addEventListener("pdf", function (e) {
      since = e.lastEventId;
      var d = JSON.parse(e.data);
      if (d.name !== name) { return; }
      if (d.error) {
        show("error", "no new PDF: this is the last good one", [d.error]);
        return;
      }
      if (d.key !== key) { reload(d.pdf, d.key); }
      show("ready", "up to date");
    });
    source.onopen = function () { window.briefgenLive = true; };
    source.onerror = function () {  // refused (too many tabs) or the server is gone
      if (source.readyState === 2) { setTimeout(connect, 5000); }
    };
  }
  connect();
})();
