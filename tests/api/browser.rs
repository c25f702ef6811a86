//! A headless Chromium driven through ChromeDriver, for the console's browser tests: started in a
//! language, signing in, waiting for what the page shows, screenshots kept as CI artifacts, and
//! the check that every text on a page is in the catalogue of the page's language.

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use serde_json::json;
use std::path::{Path, PathBuf};

/// Where a program is on the `PATH`.
fn program(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

/// The chromedriver process, ended with the test.
struct Driver(std::process::Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A browser whose language (`zh` or `en`) is the one its pages are asked for.
pub struct Browser {
    pub c: Client,
    pub lang: &'static str,
    _driver: Driver,
}

/// The folder of the screenshots CI keeps: `target/browser-artifacts`.
pub fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("browser-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl Browser {
    /// Starts headless Chromium with `lang` as the browser's language (`zh` or `en`).
    pub async fn start(lang: &'static str) -> Browser {
        let (chromium, chromedriver) = match (program("chromium"), program("chromedriver")) {
            (Some(chromium), Some(chromedriver)) => (chromium, chromedriver),
            (chromium, chromedriver) => {
                let show = |p: Option<PathBuf>| p.map_or("not found".into(), |p| p.display().to_string());
                panic!(
                    "the browser tests need headless Chromium and ChromeDriver on the PATH (chromium: {}, \
                     chromedriver: {}); on Debian: apt-get install chromium chromium-driver fonts-noto-cjk",
                    show(chromium),
                    show(chromedriver)
                )
            }
        };
        // chromedriver on a free port of 127.0.0.1.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Driver(
            std::process::Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .arg("--allowed-ips=127.0.0.1")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("chromedriver starts"),
        );
        let accept = if lang == "zh" { "zh-CN,zh" } else { "en-GB,en" };
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({"binary": chromium, "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--window-size=1500,1000", "--no-proxy-server",
                format!("--lang={}", if lang == "zh" { "zh-CN" } else { "en-GB" })],
                "prefs": {"intl.accept_languages": accept}}),
        );
        // Up to a minute of tries: on a loaded machine chromedriver and Chromium start slowly.
        let mut client = None;
        let mut last_error = String::new();
        for _ in 0..600 {
            // Plain HTTP: the driver is on this machine.
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => {
                    client = Some(c);
                    break;
                }
                Err(e) => {
                    last_error = e.to_string();
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await
                }
            }
        }
        Browser {
            c: client.unwrap_or_else(|| panic!("chromedriver answers: {last_error}")),
            lang,
            _driver: driver,
        }
    }

    /// Signs in on the console's sign-in form (signing out first when someone is signed in).
    pub async fn sign_in(&self, username: &str) {
        if let Ok(out) = self.c.find(Locator::Css("#top:not([hidden]) #signout")).await {
            out.click().await.unwrap();
        }
        let field = self.shown("#signin:not([hidden]) #username").await;
        field.clear().await.unwrap();
        field.send_keys(username).await.unwrap();
        let password = self.c.find(Locator::Id("password")).await.unwrap();
        password.clear().await.unwrap();
        password.send_keys(crate::helpers::USER_PASSWORD).await.unwrap();
        self.click("#signin-submit").await;
        self.shown("#top:not([hidden])").await;
    }

    /// The element `css` finds, once the page shows it (waiting up to a minute).
    pub async fn shown(&self, css: &str) -> Element {
        match self
            .c
            .wait()
            .at_most(std::time::Duration::from_secs(60))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => e,
            Err(e) => {
                // What the page said instead, and a picture of it.
                let said = self
                    .c
                    .execute(
                        "return [...document.querySelectorAll('#notice, .form-error, .field-error')].map((n) => n.textContent).filter(Boolean);",
                        vec![],
                    )
                    .await
                    .unwrap_or_default();
                let name: String = css.chars().filter(|c| c.is_ascii_alphanumeric()).take(60).collect();
                self.screenshot(&format!("failed-{name}")).await;
                panic!("{css}: {e}; the page says {said}")
            }
        }
    }

    /// Clicks what `css` finds once it is shown.
    pub async fn click(&self, css: &str) {
        self.shown(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
    }

    /// Types `text` into the field `css` finds (clearing it first).
    pub async fn fill(&self, css: &str, text: &str) {
        let f = self.shown(css).await;
        f.clear().await.unwrap();
        f.send_keys(text).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    }

    /// Picks the option of value `value` in the select `css` finds.
    pub async fn select(&self, css: &str, value: &str) {
        self.shown(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("{css} = {value}: {e}"));
    }

    /// Saves a screenshot as `<name>-<lang>.png` among the CI artifacts.
    pub async fn screenshot(&self, name: &str) {
        let png = self.c.screenshot().await.unwrap();
        std::fs::write(artifacts().join(format!("{name}-{}.png", self.lang)), png).unwrap();
    }

    /// Fails on a text of the page that is not in the catalogue of its language: every visible
    /// text node with a letter, outside data (`translate="no"`, `<time>`), must be a catalogue
    /// text (its `{params}` standing for anything). Also fails when the page is not in this
    /// browser's language.
    pub async fn check_texts(&self, page: &str) {
        let script = r#"
            const [lang, done] = arguments;
            import('/console/i18n.js').then((m) => {
              const cat = m.catalogue(lang);
              const esc = (s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
              const patterns = Object.values(cat).map((v) =>
                new RegExp('^' + v.split(/\{\w+\}/).map(esc).join('[\\s\\S]*') + '$'));
              const exact = new Set(Object.values(cat).map((v) => v.trim()));
              const bad = [];
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const text = n.textContent.trim();
                if (!/\p{L}/u.test(text)) continue;
                const host = n.parentElement;
                if (!host || host.closest('[translate="no"], time, script, style, [hidden]')) continue;
                if (host.closest('svg') && host.tagName.toLowerCase() === 'title') continue;
                if (!host.getClientRects().length) continue;
                if (exact.has(text) || patterns.some((p) => p.test(text))) continue;
                bad.push(`${text} (in ${host.tagName.toLowerCase()}${host.id ? '#' + host.id : ''}${host.className ? '.' + host.className : ''} under ${host.parentElement && host.parentElement.tagName.toLowerCase()})`);
              }
              const copies = lang === 'zh'
                ? Object.entries(cat).filter(([k, v]) => /\p{L}/u.test(v.replace(/\{\w+\}/g, '')) && !/\p{Script=Han}/u.test(v) && !m.SHARED.has(k)).map(([k]) => k)
                : [];
              done({ copies, lang: m.current(), htmlLang: document.documentElement.lang, bad: [...new Set(bad)] });
            }, (e) => done({ error: String(e) }));
        "#;
        let out = self.c.execute_async(script, vec![json!(self.lang)]).await.unwrap();
        assert!(out.get("error").is_none(), "{page}: {out}");
        assert_eq!(out["lang"], json!(self.lang), "{page}: the console's language");
        let copies = out["copies"].as_array().unwrap();
        assert!(
            copies.is_empty(),
            "{page}: Chinese texts with no Chinese in them: {copies:?}"
        );
        let bad = out["bad"].as_array().unwrap();
        assert!(
            bad.is_empty(),
            "{page} ({}): texts outside the catalogue: {bad:?}",
            self.lang
        );
    }

    pub async fn close(self) {
        self.c.close().await.unwrap();
    }
}
