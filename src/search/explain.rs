//! `--explain`: why a hit scored as it did, in words a reader can follow, from tantivy's own
//! score explanation (BM25 per matched term and field) and the highlights.

use serde::Serialize;
use tantivy::query::Query;
use tantivy::schema::Schema;
use tantivy::{DocAddress, Searcher};

use crate::passage::Passage;

/// The reasons for one hit's score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HitExplanation {
    /// The passage's score.
    pub score: f32,
    /// What matched, best contribution first: `text: "sanction" ×3 → 4.21`.
    pub matched: Vec<String>,
    /// The words of the passage text that matched (its highlights).
    pub in_text: Vec<String>,
}

/// Explains the score of the hit at `addr`.
pub fn explain_hit(
    query: &dyn Query,
    searcher: &Searcher,
    addr: DocAddress,
    schema: Schema,
    passage: &Passage,
    highlights: &[(usize, usize)],
) -> HitExplanation {
    let mut matched = Vec::new();
    let mut score = 0.0;
    if let Ok(explanation) = query.explain(searcher, addr) {
        score = explanation.value();
        if let Ok(tree) = serde_json::from_str::<serde_json::Value>(&explanation.to_pretty_json()) {
            collect_terms(&tree, &schema, &mut matched);
        }
    }
    matched.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut in_text: Vec<String> = highlights
        .iter()
        .map(|&(s, e)| passage.text[s..e].to_owned())
        .collect();
    in_text.dedup();
    HitExplanation {
        score,
        matched: matched.into_iter().map(|(line, _)| line).collect(),
        in_text,
    }
}

/// Every term-level node of tantivy's explanation: `field: "term" (tf N) → contribution`.
fn collect_terms(node: &serde_json::Value, schema: &Schema, out: &mut Vec<(String, f32)>) {
    let value = node["value"].as_f64().unwrap_or(0.0) as f32;
    let term = node["context"].as_array().and_then(|ctx| {
        ctx.iter()
            .filter_map(|c| c.as_str())
            .find_map(|c| c.strip_prefix("Term="))
            .map(str::to_owned)
    });
    if let Some(term) = term {
        let field = term
            .split("field=")
            .nth(1)
            .and_then(|f| f.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse::<u32>().ok())
            .map(|n| {
                schema
                    .get_field_name(tantivy::schema::Field::from_field_id(n))
                    .to_owned()
            })
            .unwrap_or_default();
        let field = if field == "body" {
            "text".to_owned()
        } else {
            field
        };
        let text = term
            .rsplit_once(", ")
            .map(|(_, t)| t.trim_end_matches(')').trim_matches('"').to_owned())
            .unwrap_or(term.clone());
        let tf = find_const(node, "freq,")
            .map(|f| format!(" ×{f}"))
            .unwrap_or_default();
        out.push((format!("{field}: \"{text}\"{tf} → {value:.3}"), value));
        return;
    }
    if let Some(details) = node["details"].as_array() {
        for d in details {
            collect_terms(d, schema, out);
        }
    }
}

/// The value of a detail named `name` (such as the term frequency) under `node`.
fn find_const(node: &serde_json::Value, name: &str) -> Option<u64> {
    if node["description"]
        .as_str()
        .is_some_and(|d| d.starts_with(name))
    {
        return node["value"].as_f64().map(|v| v as u64);
    }
    node["details"]
        .as_array()?
        .iter()
        .find_map(|d| find_const(d, name))
}
