<script>
// One user action, one entry in the browser's history (loaded once by app.py, holds no data).
// A click in the page menu makes Streamlit push the new page's address without its query string; the app
// then writes the view (date, district, ...) to the URL, which Streamlit pushes again: the first press of
// Back only took the query string away. A push to the same page that follows a page change with no click
// or key press in between replaces the entry the page change pushed.
(() => {
  if (window.__hotichHistory) return;
  window.__hotichHistory = true;
  let inputs = 0;
  for (const type of ["pointerdown", "keydown"]) {
    document.addEventListener(type, () => { inputs += 1; }, true);
  }
  let pageChange = null;  // the page the last push opened and the input count then
  const push = window.history.pushState.bind(window.history);
  window.history.pushState = (state, title, url) => {
    const next = new URL(url, window.location.toString());
    const here = window.location.pathname;
    if (pageChange && pageChange.inputs === inputs && pageChange.path === here && next.pathname === here) {
      pageChange = null;
      return window.history.replaceState(state, title, url);
    }
    pageChange = next.pathname !== here ? { path: next.pathname, inputs } : null;
    return push(state, title, url);
  };
  window.addEventListener("popstate", () => { pageChange = null; });
})();
</script>
