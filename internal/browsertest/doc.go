// Package browsertest drives Homeward's pages in a real browser (headless
// Chromium through chromedp): it clicks links, fills and submits forms and
// switches the language the way a person would, and checks what the browser
// then shows.
//
// The package holds tests only. They need Chromium: /usr/bin/chromium (on
// Debian, `apt-get install chromium`), or the binary named by the variable
// HOMEWARD_CHROMIUM. Without a browser the tests skip, unless
// HOMEWARD_REQUIRE_BROWSER=1, which makes a missing browser a failure (for CI).
// With HOMEWARD_SCREENSHOTS=1 the tests also write screenshots of a program
// page at a phone and at a desktop width to the temporary directory, as
// homeward-phone.png and homeward-desktop.png.
//
//	HOMEWARD_REQUIRE_BROWSER=1 go test ./internal/browsertest/ -v -count=1
package browsertest
