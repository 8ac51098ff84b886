//! Plain text: the first non-empty line is the title, the rest one passage.

use super::Draft;

pub(super) fn parse(source: &str) -> Draft {
    let mut lines = source.lines().skip_while(|line| line.trim().is_empty());
    let title = lines.next().map(|line| line.trim().to_string());
    let body = lines.collect::<Vec<&str>>().join("\n").trim().to_string();
    // A one-line file is all title: index that line as its text too.
    let text = if body.is_empty() {
        title.clone().unwrap_or_default()
    } else {
        body
    };
    Draft {
        title,
        sections: vec![(String::new(), text)],
        ..Draft::default()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_line_is_the_title() {
        let draft = super::parse("\n  Ligne d'aide \nElle répond.\nToujours.\n");
        assert_eq!(draft.title.as_deref(), Some("Ligne d'aide"));
        assert_eq!(
            draft.sections,
            [(String::new(), "Elle répond.\nToujours.".to_string())]
        );
    }
}
