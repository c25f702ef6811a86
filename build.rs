//! The migrations are embedded in the binary: a change to one of them rebuilds it.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
