//! Typed attribute paths made by `#[derive(Model)]`.

use std::collections::BTreeMap;

use tfplugin::framework::model::Tf;
use tfplugin::protocol::{AttributePath, Value};

#[derive(Debug, Default, tfplugin::Model)]
struct Server {
    name: String,
    #[tf(block)]
    disk: Option<Disk>,
    #[tf(name = "type")]
    kind: Tf<String>,
    nics: Option<Vec<Nic>>,
    labels: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, tfplugin::Model)]
struct Disk {
    size: Option<i64>,
}

#[derive(Debug, Default, tfplugin::Model)]
struct Nic {
    address: Option<String>,
}

#[test]
fn paths_follow_the_model() {
    let s = Server::path();
    assert_eq!(s.name().to_string(), "name");
    assert_eq!(s.kind().to_string(), "type");
    // A block's attributes are those of its element 0; the block itself is its name.
    assert_eq!(s.disk().size().to_string(), "disk[0].size");
    assert_eq!(AttributePath::from(s.disk()).to_string(), "disk");
    assert_eq!(s.nics().at(1).address().to_string(), "nics[1].address");
    assert_eq!(s.labels().key("team").to_string(), "labels[\"team\"]");
    assert_eq!(s.disk().size().dotted(), "disk.size");
}

#[test]
fn values_are_read_and_written_through_them() {
    let mut v = Value::object([
        (Server::NAME, "web".into()),
        (Server::DISK, Value::List(vec![Value::object([(Disk::SIZE, Value::int(10))])])),
    ]);
    let size = Server::path().disk().size();
    assert_eq!(v.at(&size).as_i64(), Some(10));
    assert!(v.set_at(&size, Value::int(20)));
    assert_eq!(v.at(&size).as_i64(), Some(20));
    assert!(v.at(&Server::path().nics().at(0).address()).is_null());
}
