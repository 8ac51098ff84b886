//! The search page and the embeddable box in a real browser: headless Chromium driven
//! through WebDriver (Debian's `chromium` and `chromium-driver`). Each step saves a
//! screenshot under `target/screenshots/`. Without `chromedriver` the test says so and
//! skips, except in CI (`CI=true`), where a missing browser is a failure.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use guide_search::language::Lang;
use serde_json::{Value, json};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// How long a page may take to show what a step waits for, at most.
const PATIENCE: Duration = Duration::from_secs(30);

struct Chromedriver(Child, String);

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn chromedriver() -> Option<Chromedriver> {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{CHROMEDRIVER} is missing: CI must install chromium and chromium-driver"
        );
        eprintln!(
            "skipping the browser tests: {CHROMEDRIVER} is missing (apt-get install chromium chromium-driver)"
        );
        return None;
    }
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while common::agent()
        .get(&format!("{url}/status"))
        .call()
        .is_err()
    {
        assert!(started.elapsed() < PATIENCE, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(Chromedriver(child, url))
}

async fn browser(driver: &Chromedriver, javascript: bool) -> Client {
    let mut options = json!({
        "binary": CHROMIUM,
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--window-size=1000,1300",
        ],
    });
    if !javascript {
        options["prefs"] = json!({"profile.managed_default_content_settings.javascript": 2});
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".into(), options);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.1)
        .await
        .expect("a browser session")
}

async fn screenshot(client: &Client, name: &str) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = client.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

async fn click(client: &Client, css: &str) {
    let element = client.find(Locator::Css(css)).await;
    element
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Clicks `css`, then waits for what the page it leads to shows (`shown`).
async fn click_then(client: &Client, css: &str, shown: &str, what: &str) {
    click(client, css).await;
    client
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(shown))
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
}

/// Runs `script` until it returns a truthy value.
async fn until(client: &Client, what: &str, script: &str) -> Value {
    let started = Instant::now();
    loop {
        if let Ok(value) = client.execute(script, vec![]).await
            && !matches!(value, Value::Null | Value::Bool(false))
            && value != json!("")
            && value != json!(0)
        {
            return value;
        }
        assert!(started.elapsed() < PATIENCE, "waited in vain for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn current(client: &Client) -> String {
    client.current_url().await.unwrap().to_string()
}

/// A second site on loopback: pages embedding the widget (`/host/<lang>`), and the
/// neutral page the quick exit leads to.
fn host_site(listener: TcpListener, search_base: String) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let read = stream.read(&mut request).unwrap_or(0);
            let request = String::from_utf8_lossy(&request[..read]);
            let body = match request.strip_prefix("GET /host/").and_then(|rest| rest.get(..2)) {
                Some(lang) => format!(
                    "<!doctype html><html lang=\"{lang}\"><head><title>Organisme</title><style>input {{ display: none }} * {{ color: red }}</style></head>\
                     <body><main><h1>Notre organisme</h1><script src=\"{search_base}/widget.js\" data-ui=\"{lang}\"></script></main></body></html>"
                ),
                None => "<!doctype html><html lang=\"en\"><head><title>Weather</title></head><body><main><h1>Sunny, 21°</h1></main></body></html>".into(),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
}

/// The service on the shipped corpus, and a second site that embeds its widget and is
/// where the quick exit leads.
struct Sites {
    server: common::Server,
    base: String,
    host_base: String,
    exit_url: String,
}

fn sites() -> Sites {
    let host = TcpListener::bind("127.0.0.1:0").unwrap();
    let host_base = format!("http://{}", host.local_addr().unwrap());
    let exit_url = format!("{host_base}/neutral");
    let server = common::start(
        common::shipped_index(),
        &[
            "--rate-limit",
            "0",
            "--exit-url",
            &exit_url,
            "--allowed-origins",
            &host_base,
        ],
    );
    host_site(host, server.base.clone());
    Sites {
        base: server.base.clone(),
        server,
        host_base,
        exit_url,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_and_the_widget_in_a_real_browser() {
    let Some(driver) = chromedriver() else { return };
    let Sites {
        server: _running,
        base,
        host_base,
        exit_url,
    } = sites();

    let client = browser(&driver, true).await;

    // Typing shows suggestions.
    client.goto(&format!("{base}/?ui=fr")).await.unwrap();
    let input = client.find(Locator::Id("q")).await.unwrap();
    input.send_keys("trousse médicol").await.unwrap();
    let first = until(&client, "suggestions", "const li = document.querySelector('#suggestions li'); return li && !document.getElementById('suggestions').hidden && li.textContent").await;
    assert!(first.as_str().unwrap().contains("médico"), "{first}");
    screenshot(&client, "1-suggestions").await;

    // Choosing one by keyboard searches it; results show highlights and the URL the query.
    input
        .send_keys(&char::from(Key::Down).to_string())
        .await
        .unwrap();
    assert_eq!(
        input
            .attr("aria-activedescendant")
            .await
            .unwrap()
            .as_deref(),
        Some("suggestion-0")
    );
    input
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .unwrap();
    let marked = until(
        &client,
        "highlighted results",
        "const m = document.querySelector('#results .hit mark'); return m && m.textContent",
    )
    .await;
    assert!(
        marked.as_str().unwrap().starts_with("trousse")
            || marked.as_str().unwrap().starts_with("médico"),
        "{marked}"
    );
    assert!(
        current(&client).await.contains("/search?q=trousse"),
        "the URL reflects the query"
    );
    screenshot(&client, "2-results").await;

    // Filter by language: only English versions.
    client
        .goto(&format!(
            "{base}/search?q=trousse+m%C3%A9dicol%C3%A9gale&ui=fr"
        ))
        .await
        .unwrap();
    click(&client, "a[href*='doc_lang=en']").await;
    let langs = until(&client, "filtered results", "const hits = [...document.querySelectorAll('.hit')]; return hits.length && hits.map(h => h.querySelector('h3').lang)").await;
    assert!(
        langs.as_array().unwrap().iter().all(|l| l == "en"),
        "{langs}"
    );
    screenshot(&client, "3-filtered").await;

    // Switch the interface to Spanish.
    click(&client, "nav.languages a[hreflang='es']").await;
    until(
        &client,
        "the Spanish interface",
        "return document.documentElement.lang === 'es'",
    )
    .await;
    let exit_text = client
        .find(Locator::Id("quick-exit"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(exit_text, "Salida rápida");
    screenshot(&client, "4-spanish").await;

    // Open a translation: the document view, scrolled to its passage.
    client
        .goto(&format!(
            "{base}/search?q=trousse+m%C3%A9dicol%C3%A9gale&ui=fr"
        ))
        .await
        .unwrap();
    click(&client, ".hit a.translation[hreflang='es']").await;
    until(&client, "the Spanish version", "return location.pathname.startsWith('/docs/') && document.querySelector('article').lang === 'es'").await;
    assert!(
        client.find(Locator::Css("article mark")).await.is_ok(),
        "the query's words are highlighted"
    );
    screenshot(&client, "5-translation").await;

    // Quick exit: away to the neutral site, and Back does not return to the document.
    let left = current(&client).await;
    click(&client, "#quick-exit").await;
    until(
        &client,
        "the neutral site",
        &format!("return location.href === '{exit_url}'"),
    )
    .await;
    screenshot(&client, "6-quick-exit").await;
    client.back().await.unwrap();
    assert_ne!(
        current(&client).await,
        left,
        "the exited page is not in the history"
    );

    // Escape pressed twice leaves too.
    client.goto(&format!("{base}/?ui=en")).await.unwrap();
    let page = client.find(Locator::Css("body")).await.unwrap();
    let escape = char::from(Key::Escape).to_string();
    page.send_keys(&format!("{escape}{escape}")).await.unwrap();
    until(
        &client,
        "the neutral site after Escape twice",
        &format!("return location.href === '{exit_url}'"),
    )
    .await;

    // On a 360 px wide phone screen nothing needs scrolling sideways.
    client.set_window_size(360, 800).await.unwrap();
    client
        .goto(&format!("{base}/search?q=consentimiento&ui=es"))
        .await
        .unwrap();
    let fits = client
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fits, json!(true), "the page is wider than a phone");
    screenshot(&client, "6b-phone").await;
    client.set_window_size(1000, 1300).await.unwrap();

    // The widget on another site: suggestions, then the results page.
    client.goto(&format!("{host_base}/host/fr")).await.unwrap();
    let box_input = "document.querySelector('guide-search-box').shadowRoot.querySelector('input')";
    until(&client, "the widget", &format!("return !!({box_input})")).await;
    client
        .execute(
            &format!("const i = {box_input}; i.focus(); i.value = 'consent'; i.dispatchEvent(new Event('input')); return true;"),
            vec![],
        )
        .await
        .unwrap();
    let suggestion = until(
        &client,
        "the widget's suggestions",
        "const li = document.querySelector('guide-search-box').shadowRoot.querySelector('li'); return li && li.textContent",
    )
    .await;
    assert!(
        suggestion
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("consent"),
        "{suggestion}"
    );
    let visible = client
        .execute(
            &format!("return getComputedStyle({box_input}).display"),
            vec![],
        )
        .await
        .unwrap();
    assert_ne!(
        visible,
        json!("none"),
        "the host page's styles do not reach the widget"
    );
    let color = client
        .execute(
            "return getComputedStyle(document.querySelector('guide-search-box').shadowRoot.querySelector('label')).color",
            vec![],
        )
        .await
        .unwrap();
    assert_ne!(
        color,
        json!("rgb(255, 0, 0)"),
        "the host page's colours do not reach the widget"
    );
    screenshot(&client, "7-widget").await;
    client
        .execute("document.querySelector('guide-search-box').shadowRoot.querySelector('form').requestSubmit(); return true;", vec![])
        .await
        .unwrap();
    until(&client, "the results page", &format!("return location.href.startsWith('{base}/search?q=consent') && document.querySelectorAll('.hit').length")).await;
    screenshot(&client, "8-widget-results").await;
    client.close().await.unwrap();

    // Markup in the corpus never runs: results page and document views of hostile texts.
    let hostile_dir = tempfile::tempdir().unwrap();
    let hostile = common::start_on(
        &common::hostile_corpus(hostile_dir.path()),
        &hostile_dir.path().join("index"),
        &["--rate-limit", "0"],
    );
    let client = browser(&driver, true).await;
    for path in [
        "/search?q=pi%C3%A8ge",
        "/docs/guide/fr/piege?q=pi%C3%A8ge",
        "/docs/guide/fr/piege-texte?q=pi%C3%A8ge",
    ] {
        client
            .goto(&format!("{}{path}", hostile.base))
            .await
            .unwrap();
        // An alert() would leave a dialog open, and this script would fail with it.
        let ran = client
            .execute("return typeof window.__xss !== 'undefined'", vec![])
            .await
            .expect("no dialog is open");
        assert_eq!(ran, json!(false), "{path}: a script from the corpus ran");
        let shown = client
            .find(Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            shown.contains("<script>window.__xss"),
            "{path}: the markup is shown as text"
        );
    }
    screenshot(&client, "10-hostile-corpus").await;
    client.close().await.unwrap();

    // Without JavaScript, the form still returns results, rendered by the server.
    let plain = browser(&driver, false).await;
    plain.goto(&format!("{base}/?ui=en")).await.unwrap();
    plain
        .find(Locator::Id("q"))
        .await
        .unwrap()
        .send_keys("rape kit")
        .await
        .unwrap();
    // Waits for the results page to load: server-rendered results with highlights.
    click_then(
        &plain,
        "form.search button",
        ".hit mark",
        "server-rendered results with highlights",
    )
    .await;
    assert!(current(&plain).await.contains("/search?q=rape+kit"));
    screenshot(&plain, "9-without-javascript").await;
    // Only the English versions; a result opens its document, the query's words marked,
    // and it links back to the same filtered results.
    click(&plain, ".facets a[href*='doc_lang=en']").await;
    let filtered =
        "return location.search.includes('doc_lang=en') && document.querySelector('.hit mark')";
    until(&plain, "the English results", filtered).await;
    click_then(
        &plain,
        ".hit h3 a",
        "article mark",
        "the document, the query's words marked",
    )
    .await;
    click(&plain, "p.back a").await;
    until(&plain, "back on the English results", filtered).await;
    assert!(current(&plain).await.contains("/search?q=rape+kit"));
    plain.close().await.unwrap();
}

/// axe-core's browser build, installed by `.ci/run` (`npm ci --prefix tests/browser`).
fn axe_source() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(_) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{} is missing: CI must run `npm ci --prefix tests/browser`",
                path.display()
            );
            eprintln!(
                "skipping the accessibility audit: run `npm ci --prefix tests/browser` to install axe-core"
            );
            None
        }
    }
}

/// The WCAG 2.0, 2.1 and 2.2 rules of levels A and AA.
const WCAG_AA: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']";

/// Runs axe-core on the page shown: its violations, as `rule: help (where)` lines.
async fn audit(client: &Client, axe: &str) -> Vec<String> {
    client
        .execute(&format!("{axe}\n;return true;"), vec![])
        .await
        .expect("axe-core loads");
    let script = format!(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {{ runOnly: {{ type: 'tag', values: {WCAG_AA} }} }})
           .then(r => done({{ passes: r.passes.length, violations: r.violations.map(v => v.id + ': ' + v.help + ' (' +
             v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ') + ')') }}))
           .catch(e => done({{ passes: 0, violations: ['axe failed: ' + e] }}));"
    );
    let found = client.execute_async(&script, vec![]).await.unwrap();
    assert!(
        found["passes"].as_u64().unwrap_or(0) > 0,
        "axe checked nothing: {found}"
    );
    serde_json::from_value(found["violations"].clone()).unwrap()
}

/// Presses `key` on whatever has the focus.
async fn press(client: &Client, key: &str) {
    client
        .active_element()
        .await
        .unwrap()
        .send_keys(key)
        .await
        .unwrap();
}

/// What has the focus, as `tag#id.class`.
async fn focused(client: &Client) -> String {
    let found = client
        .execute(
            "const e = document.activeElement; return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className.split(' ').join('.') : '');",
            vec![],
        )
        .await
        .unwrap();
    found.as_str().unwrap_or_default().to_string()
}

/// Tabs forward until the focus is on something matching `css`, at most `most` times.
async fn tab_to(client: &Client, css: &str, most: usize) -> usize {
    let tab = char::from(Key::Tab).to_string();
    for presses in 1..=most {
        press(client, &tab).await;
        let here = client
            .execute(
                &format!("return document.activeElement.matches({css:?})"),
                vec![],
            )
            .await
            .unwrap();
        if here == json!(true) {
            return presses;
        }
    }
    panic!(
        "{css} not reached in {most} Tab presses (focus on {})",
        focused(client).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_an_accessibility_audit_and_a_keyboard_path() {
    let Some(driver) = chromedriver() else { return };
    let Sites {
        server: _running,
        base,
        host_base,
        exit_url,
    } = sites();
    let client = browser(&driver, true).await;

    // The keyboard alone: Tab to the box, type, pick a suggestion with the arrows, open a
    // result, leave by the quick exit.
    client.goto(&format!("{base}/?ui=en")).await.unwrap();
    let tab = char::from(Key::Tab).to_string();
    press(&client, &tab).await;
    assert_eq!(
        focused(&client).await,
        "a.skip",
        "the first Tab reaches the skip link"
    );
    tab_to(&client, "#q", 12).await;
    press(&client, "consent").await;
    until(&client, "suggestions", "return !document.getElementById('suggestions').hidden && document.querySelectorAll('#suggestions li').length").await;
    press(&client, &char::from(Key::Down).to_string()).await;
    let active = until(
        &client,
        "a chosen suggestion",
        "return document.getElementById('q').getAttribute('aria-activedescendant')",
    )
    .await;
    assert_eq!(active, json!("suggestion-0"));
    screenshot(&client, "keyboard-1-suggestion").await;
    press(&client, &char::from(Key::Enter).to_string()).await;
    until(
        &client,
        "results or the chosen document",
        "return document.querySelectorAll('.hit').length || location.pathname.startsWith('/docs/')",
    )
    .await;
    if !current(&client).await.contains("/docs/") {
        screenshot(&client, "keyboard-2-results").await;
        tab_to(&client, ".hit h3 a", 40).await;
        press(&client, &char::from(Key::Enter).to_string()).await;
    }
    until(
        &client,
        "a document",
        "return location.pathname.startsWith('/docs/') && document.querySelector('article')",
    )
    .await;
    screenshot(&client, "keyboard-3-document").await;
    press(&client, &tab).await;
    assert_eq!(focused(&client).await, "a.skip");
    press(&client, &tab).await;
    assert_eq!(
        focused(&client).await,
        "a#quick-exit.quick-exit",
        "Quick exit is second in line"
    );
    press(&client, &char::from(Key::Enter).to_string()).await;
    until(
        &client,
        "the neutral site",
        &format!("return location.href === '{exit_url}'"),
    )
    .await;

    // Nothing found, as the page's script renders it: the helpline and sections to start
    // from, in the interface's language, never a dead end.
    client.goto(&format!("{base}/?ui=es")).await.unwrap();
    client
        .find(Locator::Id("q"))
        .await
        .unwrap()
        .send_keys("zzqxw ")
        .await
        .unwrap();
    let offered = until(
        &client,
        "the script's no-results help",
        "const none = document.querySelector('#results .no-results'); return none && none.querySelectorAll('li a').length && none.textContent",
    )
    .await;
    let offered = offered.as_str().unwrap_or_default();
    assert!(
        offered.contains("1 888 933-9007") && offered.contains("911"),
        "{offered}"
    );
    assert!(offered.contains("Por dónde empezar"), "{offered}");
    screenshot(&client, "keyboard-4-no-results").await;

    // axe-core on every kind of page, in each language, on a desktop and a phone.
    let Some(axe) = axe_source() else { return };
    let queries = [
        (Lang::Fr, "trousse médicolégale"),
        (Lang::En, "rape kit"),
        (Lang::Es, "kit médico-legal"),
    ];
    let mut violations = Vec::new();
    let mut audited = 0;
    for (width, height) in [(1280, 900), (360, 800)] {
        client.set_window_size(width, height).await.unwrap();
        for (lang, q) in queries {
            let ui = lang.code();
            let q = serde_urlencoded::to_string([("q", q)]).unwrap();
            let pages = [
                ("home", format!("{base}/?ui={ui}")),
                ("results", format!("{base}/search?{q}&ui={ui}")),
                (
                    "document",
                    format!("{base}/docs/guide/{ui}/consent?{q}&ui={ui}"),
                ),
                ("no-results", format!("{base}/search?q=zzqxw&ui={ui}")),
                ("not-found", format!("{base}/no/such/page?ui={ui}")),
                ("widget", format!("{host_base}/host/{ui}")),
            ];
            for (name, url) in pages {
                client.goto(&url).await.unwrap();
                if name == "widget" {
                    until(&client, "the widget", "const b = document.querySelector('guide-search-box'); return b && b.shadowRoot && b.shadowRoot.querySelector('input')").await;
                }
                screenshot(&client, &format!("audit-{name}-{ui}-{width}")).await;
                for violation in audit(&client, &axe).await {
                    violations.push(format!("{name} {ui} {width}px: {violation}"));
                }
                audited += 1;
            }
        }
    }
    eprintln!(
        "accessibility audit: {audited} pages, {} violations",
        violations.len()
    );
    assert!(
        violations.is_empty(),
        "axe-core found:\n{}",
        violations.join("\n")
    );
    client.close().await.unwrap();
}
