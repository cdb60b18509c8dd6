/* Kepu menu: should the row of entries overflow (a narrow screen, long labels), bring the
 * current page's entry into view so the reader sees where they are. */
(function () {
  "use strict";
  var nav = document.querySelector("header.site nav");
  var current = nav && nav.querySelector('a[aria-current="page"]');
  if (!current || nav.scrollWidth <= nav.clientWidth) { return; }
  var left = current.getBoundingClientRect().left - nav.getBoundingClientRect().left;
  nav.scrollLeft += left - (nav.clientWidth - current.offsetWidth) / 2;
})();
