//! HTML to text with a real parser (html5ever through `scraper`): page chrome (scripts, styles,
//! navigation, headers, footers, asides, forms) is dropped, blocks (paragraphs, headings, list
//! items, table rows) become paragraphs separated by blank lines, entities are decoded.

use scraper::{Html, Node, Selector};

/// Elements whose whole subtree is not article text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "nav", "footer", "header", "aside", "form",
    "iframe", "svg", "canvas", "button", "select", "textarea", "object", "embed",
];

/// Words that mark page chrome (share bars, comment sections, cookie banners) when a class or id
/// starts with one: `share-bar`, `comments` and `cookie_notice` match; `commentary`,
/// `has-sidebar` and `shareholder-report` do not.
const CHROME_WORDS: &[&str] = &[
    "share",
    "shares",
    "sharing",
    "sharedaddy",
    "social",
    "comments",
    "comment",
    "respond",
    "related",
    "cookie",
    "cookies",
    "consent",
    "newsletter",
    "subscribe",
    "sidebar",
    "breadcrumb",
    "breadcrumbs",
    "advert",
    "advertisement",
    "ads",
    "promo",
    "popup",
    "modal",
    "skip",
];

/// ARIA landmark roles that are not article text.
const CHROME_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "alertdialog",
];

/// Whether an element is page chrome by its attributes: hidden, a chrome landmark role, or a
/// chrome word in its class or id.
fn is_chrome(element: &scraper::node::Element) -> bool {
    if element.attr("hidden").is_some() || element.attr("aria-hidden") == Some("true") {
        return true;
    }
    if element
        .attr("role")
        .is_some_and(|role| CHROME_ROLES.contains(&role.trim().to_ascii_lowercase().as_str()))
    {
        return true;
    }
    let class_names = element.attr("class").unwrap_or("").split_whitespace();
    let names = class_names.chain(element.attr("id").map(str::trim));
    names.into_iter().any(|name| {
        let lower = name.to_ascii_lowercase();
        let first = lower.split(['-', '_']).next().unwrap_or("");
        CHROME_WORDS.contains(&first)
    })
}

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "tr",
    "table",
    "thead",
    "tbody",
    "blockquote",
    "pre",
    "article",
    "section",
    "main",
    "figure",
    "figcaption",
    "hr",
    "address",
    "details",
    "summary",
    "body",
    "html",
];

/// Text of a page and the title it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    /// Paragraphs separated by blank lines; runs of whitespace inside a paragraph collapsed.
    pub text: String,
    /// `<title>`, else the first `<h1>`.
    pub title: Option<String>,
    /// The publication date the page declares (`article:published_time`, `datePublished`,
    /// `<time datetime>`), as written.
    pub published_at: Option<String>,
}

pub(crate) fn to_text(html: &str) -> Page {
    let document = Html::parse_document(html);
    let mut text = walk(&document, true);
    if text.is_empty() {
        // Everything looked like chrome by its attributes: better some chrome than no article.
        text = walk(&document, false);
    }
    Page {
        text,
        title: title(&document),
        published_at: published_at(&document),
    }
}

/// The text of a parsed page; `prune_by_attributes` also drops elements [`is_chrome`] flags.
fn walk(document: &Html, prune_by_attributes: bool) -> String {
    let mut out = TextBuilder::default();
    // Depth-first walk with an explicit stack (no recursion on deeply nested markup):
    // `true` marks the closing visit of an element.
    let mut stack = vec![(document.tree.root(), false)];
    while let Some((node, closing)) = stack.pop() {
        match node.value() {
            Node::Element(element) => {
                let name = element.name();
                let chrome =
                    prune_by_attributes && name != "body" && name != "html" && is_chrome(element);
                if SKIPPED.contains(&name) || chrome {
                    continue;
                }
                let is_block = BLOCKS.contains(&name);
                if closing {
                    if is_block {
                        out.paragraph_break();
                    }
                    if name == "pre" {
                        out.preformatted -= 1;
                    }
                    continue;
                }
                match name {
                    "br" => out.line_break(),
                    "td" | "th" => out.push_text(" "),
                    _ => {}
                }
                if is_block {
                    out.paragraph_break();
                }
                if name == "pre" {
                    out.preformatted += 1;
                }
                stack.push((node, true));
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev().map(|child| (child, false)));
            }
            Node::Text(text) => out.push_text(text),
            Node::Document | Node::Fragment => {
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev().map(|child| (child, false)));
            }
            _ => {}
        }
    }
    out.finish()
}

/// Where pages declare their publication date, most specific first.
const DATE_SELECTORS: &[(&str, &str)] = &[
    (r#"meta[property="article:published_time"]"#, "content"),
    (r#"meta[itemprop="datePublished"]"#, "content"),
    (r#"meta[name="date"]"#, "content"),
    (r#"meta[name="pubdate"]"#, "content"),
    (r#"meta[name="publish-date"]"#, "content"),
    (r#"meta[name="dc.date"]"#, "content"),
    (r#"[itemprop="datePublished"]"#, "datetime"),
    ("time[datetime]", "datetime"),
];

fn published_at(document: &Html) -> Option<String> {
    for (selector, attribute) in DATE_SELECTORS {
        let Ok(selector) = Selector::parse(selector) else {
            continue;
        };
        let value = document
            .select(&selector)
            .filter_map(|element| element.value().attr(attribute))
            .map(str::trim)
            .find(|value| !value.is_empty() && value.len() <= 64);
        if let Some(value) = value {
            return Some(value.to_string());
        }
    }
    None
}

fn title(document: &Html) -> Option<String> {
    for selector in ["title", "h1"] {
        let Ok(selector) = Selector::parse(selector) else {
            continue;
        };
        if let Some(element) = document.select(&selector).next() {
            let text = collapse_whitespace(&element.text().collect::<String>());
            if !text.is_empty() {
                return Some(text);
            }
        }
    }
    None
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Accumulates text, collapsing whitespace outside `<pre>`.
#[derive(Default)]
struct TextBuilder {
    out: String,
    /// A space is owed before the next word.
    pending_space: bool,
    preformatted: usize,
}

impl TextBuilder {
    fn push_text(&mut self, text: &str) {
        if self.preformatted > 0 {
            self.out.push_str(text);
            self.pending_space = false;
            return;
        }
        if text.starts_with(char::is_whitespace) {
            self.pending_space = true;
        }
        for (i, word) in text.split_whitespace().enumerate() {
            let at_line_start = self.out.is_empty() || self.out.ends_with('\n');
            if (i > 0 || self.pending_space) && !at_line_start {
                self.out.push(' ');
            }
            self.out.push_str(word);
            self.pending_space = false;
        }
        if text.ends_with(char::is_whitespace) {
            self.pending_space = true;
        }
    }

    fn line_break(&mut self) {
        self.out.push('\n');
        self.pending_space = false;
    }

    fn paragraph_break(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            if self.out.ends_with('\n') {
                self.out.push('\n');
            } else {
                self.out.push_str("\n\n");
            }
        }
        self.pending_space = false;
    }

    fn finish(self) -> String {
        let mut lines: Vec<&str> = Vec::new();
        for line in self.out.lines() {
            let line = line.trim();
            if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
                continue;
            }
            lines.push(line);
        }
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        to_text(html).text
    }

    #[test]
    fn paragraphs_headings_and_lists_become_paragraphs() {
        assert_eq!(
            text("<h2>Head</h2><p>One <b>bold</b> word.</p><ul><li>a</li><li>b</li></ul>"),
            "Head\n\nOne bold word.\n\na\n\nb"
        );
    }

    #[test]
    fn chrome_is_dropped() {
        let html = "<html><head><title>T</title><script>alert(1)</script></head><body>\
                    <header>Site name</header><nav><a href='/'>Home</a></nav>\
                    <article><p>Story.</p></article><aside>Ads</aside>\
                    <form><input name=q><button>Go</button></form>\
                    <footer>Footer</footer><style>.x{}</style></body></html>";
        assert_eq!(text(html), "Story.");
    }

    #[test]
    fn chrome_is_recognised_by_class_id_role_and_hidden() {
        let html = r#"<div class="share-bar">Twitter Facebook</div>
                      <section id="comments"><p>First!</p></section>
                      <div role="navigation">Menu</div>
                      <div hidden>Hidden</div><p aria-hidden="true">Icon</p>
                      <div class="cookie_notice">We use cookies</div>
                      <div class="entry-content commentary"><p>Kept.</p></div>
                      <div class="shareholder-report"><p>Also kept.</p></div>
                      <div class="has-sidebar"><p>Kept too.</p></div>"#;
        assert_eq!(text(html), "Kept.\n\nAlso kept.\n\nKept too.");
    }

    #[test]
    fn a_page_that_is_all_chrome_by_attributes_keeps_its_text() {
        assert_eq!(
            text(r#"<div class="related-wrapper"><p>The only text.</p></div>"#),
            "The only text."
        );
    }

    #[test]
    fn entities_are_decoded_and_whitespace_collapsed() {
        assert_eq!(
            text(
                "<p>  Fish &amp; chips\n   cost &pound;5&nbsp;now &#8212; &#x27;really&#39;  </p>"
            ),
            "Fish & chips cost £5 now — 'really'"
        );
    }

    #[test]
    fn inline_elements_keep_word_spacing() {
        assert_eq!(
            text("<p>a<i>b</i> <i>c</i>d <span> e </span>f</p>"),
            "ab cd e f"
        );
    }

    #[test]
    fn line_breaks_and_preformatted_text() {
        assert_eq!(text("<p>one<br>two</p>"), "one\ntwo");
        assert_eq!(text("<pre>a  b\nc</pre>"), "a  b\nc");
    }

    #[test]
    fn table_cells_are_separated() {
        assert_eq!(
            text(
                "<table><tr><td>2014</td><td>7.6%</td></tr><tr><td>2022</td><td>13%</td></tr></table>"
            ),
            "2014 7.6%\n\n2022 13%"
        );
    }

    #[test]
    fn titles() {
        assert_eq!(
            to_text("<title> A \n title </title><h1>H</h1>")
                .title
                .as_deref(),
            Some("A title")
        );
        assert_eq!(
            to_text("<h1>Head <em>line</em></h1>").title.as_deref(),
            Some("Head line")
        );
        assert_eq!(to_text("<p>no title</p>").title, None);
    }

    #[test]
    fn publication_dates() {
        for (html, expected) in [
            (
                r#"<head><meta property="article:published_time" content="2024-03-05T08:00:00Z"></head><p>x</p>"#,
                Some("2024-03-05T08:00:00Z"),
            ),
            (
                r#"<meta name="date" content=" 2023-11-02 "><time datetime="2020-01-01">x</time>"#,
                Some("2023-11-02"),
            ),
            (
                r#"<p>On <time datetime="2022-06-30">30 June</time></p>"#,
                Some("2022-06-30"),
            ),
            (r#"<meta name="date" content=""><p>x</p>"#, None),
            ("<p>no date</p>", None),
        ] {
            assert_eq!(to_text(html).published_at.as_deref(), expected, "{html}");
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!("{}deep{}", "<div>".repeat(5000), "</div>".repeat(5000));
        assert_eq!(text(&html), "deep");
    }

    #[test]
    fn comments_are_ignored() {
        assert_eq!(text("<p>a<!-- hidden -->b</p>"), "ab");
    }
}
