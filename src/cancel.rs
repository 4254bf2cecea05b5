//! A cancellation token: tripped once (by StopProvider, or Ctrl-C in a tool), seen
//! by every clone. Waits select on [`CancelToken::cancelled`] to end promptly.

use tokio::sync::watch;

#[derive(Clone, Debug)]
pub struct CancelToken {
    tx: std::sync::Arc<watch::Sender<bool>>,
    rx: watch::Receiver<bool>,
}

impl Default for CancelToken {
    fn default() -> Self {
        Self::new()
    }
}

impl CancelToken {
    pub fn new() -> Self {
        let (tx, rx) = watch::channel(false);
        CancelToken { tx: std::sync::Arc::new(tx), rx }
    }

    pub fn cancel(&self) {
        let _ = self.tx.send(true);
    }

    pub fn is_cancelled(&self) -> bool {
        *self.rx.borrow()
    }

    /// Resolves once the token is tripped (at once if it already was).
    pub async fn cancelled(&self) {
        let mut rx = self.rx.clone();
        let _ = rx.wait_for(|c| *c).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn clones_see_the_cancel() {
        let t = CancelToken::new();
        let c = t.clone();
        assert!(!c.is_cancelled());
        let waiter = tokio::spawn(async move { c.cancelled().await });
        tokio::time::sleep(Duration::from_millis(10)).await;
        t.cancel();
        tokio::time::timeout(Duration::from_millis(100), waiter).await.unwrap().unwrap();
        assert!(t.is_cancelled());
        t.cancelled().await;
    }
}
