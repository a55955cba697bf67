// A conversation opens at its end: the newest message just above the composer (a page of older
// messages, asked for with a cursor, opens at its top as any page does).
if (!new URLSearchParams(location.search).has("cursor")) {
  window.scrollTo(0, document.documentElement.scrollHeight);
}
