// The language switch keeps what is on the page. Pages keep their state in the address bar
// (history.replaceState), so the switch's link, built when the page was served, can be stale:
// at the moment of the click it takes the address as it is now and only changes the language.
document.addEventListener('click', function (event) {
  var link = event.target.closest ? event.target.closest('a[id^="lang-"][hreflang]') : null;
  if (!link) { return; }
  var query = new URLSearchParams(window.location.search);
  query.delete('lang');
  var code = link.getAttribute('hreflang');
  if (code !== 'nl') { query.set('lang', code); }
  var search = query.toString();
  link.setAttribute('href', window.location.pathname + (search ? '?' + search : ''));
}, true);
