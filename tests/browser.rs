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

/// A second site on loopback: a page embedding the widget, and the neutral page the quick
/// exit leads to.
fn host_site(listener: TcpListener, search_base: String) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let read = stream.read(&mut request).unwrap_or(0);
            let request = String::from_utf8_lossy(&request[..read]);
            let body = if request.starts_with("GET /host") {
                format!(
                    "<!doctype html><html lang=\"fr\"><head><title>Organisme</title><style>input {{ display: none }} * {{ color: red }}</style></head>\
                     <body><h1>Notre organisme</h1><script src=\"{search_base}/widget.js\" data-ui=\"fr\"></script></body></html>"
                )
            } else {
                "<!doctype html><html><head><title>Weather</title></head><body><h1>Sunny, 21°</h1></body></html>".into()
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_and_the_widget_in_a_real_browser() {
    let Some(driver) = chromedriver() else { return };
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
    let base = server.base.clone();

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
    client.goto(&format!("{host_base}/host")).await.unwrap();
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
    click(&plain, "form.search button").await;
    // Waits for the results page to load: server-rendered results with highlights.
    plain
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(".hit mark"))
        .await
        .expect("server-rendered results with highlights");
    assert!(current(&plain).await.contains("/search?q=rape+kit"));
    screenshot(&plain, "9-without-javascript").await;
    plain.close().await.unwrap();
}
