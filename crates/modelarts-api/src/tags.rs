//! A notebook's tags: the SDK's `CreateNotebookTags` (`POST
//! notebooks/{id}/tags/create`) and `DeleteNotebookTags` (`DELETE
//! notebooks/{id}/tags/delete`), each with body `{"tags": [{key, value}]}`
//! (`CreateTmsTagsRequest`, `DeleteTmsTagsRequest`) and the optional query
//! `workspace_id`. Creating a key that exists overwrites its value, deleting a tag
//! that does not exist does nothing (the SDK's docstrings): both are safe to repeat.

use std::collections::BTreeMap;

use http::Method;
use serde::Serialize;

use super::error::ApiError;
use super::types::Tag;
use super::{Call, Client};
use crate::ids::NotebookId;

/// The body of both tag calls.
#[derive(Serialize, Debug)]
struct TagsBody<'a> {
    tags: &'a [Tag],
}

/// What changes from tags `current` to tags `wanted`: the tags to delete (removed
/// keys, and changed ones with their old value) and the tags to create (new and
/// changed keys), in the official provider's order — deletions first.
pub fn tag_changes(current: &BTreeMap<String, String>, wanted: &BTreeMap<String, String>) -> (Vec<Tag>, Vec<Tag>) {
    let tag = |(k, v): (&String, &String)| Tag { key: k.clone(), value: v.clone() };
    let delete = current.iter().filter(|(k, v)| wanted.get(*k) != Some(*v)).map(tag).collect();
    let create = wanted.iter().filter(|(k, v)| current.get(*k) != Some(*v)).map(tag).collect();
    (delete, create)
}

impl Client {
    fn tags_call(
        &self,
        method: Method,
        notebook: &NotebookId,
        verb: &str,
        workspace: Option<&str>,
        tags: &[Tag],
    ) -> Call {
        Call::new(method, format!("notebooks/{notebook}/tags/{verb}"))
            .query_opt("workspace_id", workspace.filter(|w| !w.is_empty()))
            .json(&TagsBody { tags })
            .repeatable()
    }

    /// Adds or overwrites tags of notebook `notebook` (of workspace `workspace`).
    pub async fn create_notebook_tags(
        &self,
        notebook: &NotebookId,
        workspace: Option<&str>,
        tags: &[Tag],
    ) -> Result<(), ApiError> {
        self.execute(&self.tags_call(Method::POST, notebook, "create", workspace, tags)).await.map(|_| ())
    }

    /// Removes tags of notebook `notebook`.
    pub async fn delete_notebook_tags(
        &self,
        notebook: &NotebookId,
        workspace: Option<&str>,
        tags: &[Tag],
    ) -> Result<(), ApiError> {
        self.execute(&self.tags_call(Method::DELETE, notebook, "delete", workspace, tags)).await.map(|_| ())
    }

    /// Changes notebook `notebook`'s tags from `current` to `wanted`: deletes first,
    /// then creates, as the official provider does; no call when nothing changes.
    /// Keys this client ignores are left as they are.
    pub async fn change_notebook_tags(
        &self,
        notebook: &NotebookId,
        workspace: Option<&str>,
        current: &BTreeMap<String, String>,
        wanted: &BTreeMap<String, String>,
    ) -> Result<(), ApiError> {
        let ignored = &self.inner.config.ignored_tag_keys;
        let kept = |m: &BTreeMap<String, String>| -> BTreeMap<String, String> {
            m.iter().filter(|(k, _)| !ignored.contains(*k)).map(|(k, v)| (k.clone(), v.clone())).collect()
        };
        let (delete, create) = tag_changes(&kept(current), &kept(wanted));
        if !delete.is_empty() {
            self.delete_notebook_tags(notebook, workspace, &delete).await?;
        }
        if !create.is_empty() {
            self.create_notebook_tags(notebook, workspace, &create).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn changed_values_are_deleted_then_created() {
        let (delete, create) =
            tag_changes(&map(&[("a", "1"), ("b", "2"), ("c", "3")]), &map(&[("a", "1"), ("b", "20"), ("d", "4")]));
        let keys = |t: &[Tag]| t.iter().map(|t| format!("{}={}", t.key, t.value)).collect::<Vec<_>>();
        assert_eq!(keys(&delete), ["b=2", "c=3"]);
        assert_eq!(keys(&create), ["b=20", "d=4"]);
        assert_eq!(tag_changes(&map(&[("a", "1")]), &map(&[("a", "1")])), (vec![], vec![]));
    }
}
