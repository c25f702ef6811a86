//! argon2id password hashes (PHC strings with their own salt and parameters).
//!
//! Each check fills 19 MiB of memory (argon2's default cost, the one OWASP recommends). The checks
//! run at most one per core (and eight) at a time, each in a memory block kept for the next one:
//! sixteen people signing in at once used to take 230 MiB of memory that the allocator then kept,
//! and the cores could not go faster anyway. Those over the limit wait for a block.

use argon2::password_hash::{self, rand_core::OsRng, Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Condvar, LazyLock, Mutex, OnceLock};

pub fn hash(password: &str) -> Result<String, anyhow::Error> {
    let salt = SaltString::generate(&mut OsRng);
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default());
    let phc = || -> password_hash::Result<String> {
        Ok(PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(argon.params())?,
            salt: Some(salt.as_salt()),
            hash: Some(output(&argon, password, salt.as_salt(), Params::DEFAULT_OUTPUT_LEN)?),
        }
        .to_string())
    };
    phc().map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// True when the password matches the stored hash (with the parameters stored in it). A
/// malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(h) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (h.salt, h.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(version), Ok(params)) = (
        Algorithm::try_from(h.algorithm),
        h.version.map_or(Ok(Version::default()), Version::try_from),
        Params::try_from(&h),
    ) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params);
    // `Output`'s equality is constant-time.
    output(&argon, password, salt, expected.len()).is_ok_and(|o| o == expected)
}

/// argon2's output of `len` bytes for the password and salt, computed in a kept block of memory.
fn output(argon: &Argon2, password: &str, salt: Salt, len: usize) -> password_hash::Result<Output> {
    let mut salt_bytes = [0u8; Salt::MAX_LENGTH];
    let salt = salt.decode_b64(&mut salt_bytes)?;
    let mut out = vec![0u8; len];
    with_memory(argon.params().block_count(), |blocks| {
        argon.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, blocks)
    })?;
    Output::new(&out)
}

/// Verifies against a fixed hash, so that a login for an unknown user costs as much time as one
/// for a known user (the answer does not tell which usernames exist).
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let h = DUMMY.get_or_init(|| hash("fieldline-dummy-password").unwrap_or_default());
    let _ = verify(password, h);
}

/// A random password for the first admin when none is configured.
pub fn generate() -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

/// The memory blocks of the checks: at most one per core and eight in all, made on first need
/// and kept.
struct Memory {
    state: Mutex<Blocks>,
    returned: Condvar,
    most: usize,
}

struct Blocks {
    free: Vec<Vec<Block>>,
    made: usize,
}

static MEMORY: LazyLock<Memory> = LazyLock::new(|| Memory {
    state: Mutex::new(Blocks {
        free: Vec::new(),
        made: 0,
    }),
    returned: Condvar::new(),
    most: std::thread::available_parallelism().map_or(1, |n| n.get()).min(8),
});

/// Runs `f` with `count` blocks of argon2 memory, waiting while every block is in use.
fn with_memory<T>(count: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    let mut lent = Lent(take());
    if lent.0.len() < count {
        lent.0.resize(count, Block::default());
    }
    f(&mut lent.0[..count])
}

fn take() -> Vec<Block> {
    let mut state = MEMORY.state.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if let Some(blocks) = state.free.pop() {
            return blocks;
        }
        if state.made < MEMORY.most {
            state.made += 1;
            return Vec::new();
        }
        state = MEMORY.returned.wait(state).unwrap_or_else(|e| e.into_inner());
    }
}

/// Gives its block back when dropped, even when the check panicked. A block grown past the
/// default cost (a hash stored with more memory) is given back at the default size.
struct Lent(Vec<Block>);

impl Drop for Lent {
    fn drop(&mut self) {
        let mut blocks = std::mem::take(&mut self.0);
        let usual = Params::default().block_count();
        if blocks.len() > usual {
            blocks.truncate(usual);
            blocks.shrink_to_fit();
        }
        let mut state = MEMORY.state.lock().unwrap_or_else(|e| e.into_inner());
        state.free.push(blocks);
        MEMORY.returned.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("wrong horse battery", &h));
        assert!(!verify("x", "not a hash"));
        assert_ne!(h, hash("correct horse battery").unwrap(), "salted");
    }

    #[test]
    fn hashes_read_the_same_as_the_argon2_crate_s_own() {
        // Stored hashes made by the crate's own hasher verify here, and ours verify there.
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"s3cret pass", &salt)
            .unwrap()
            .to_string();
        assert!(verify("s3cret pass", &theirs));
        assert!(!verify("s3cret pasS", &theirs));
        let ours = hash("s3cret pass").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default().verify_password(b"s3cret pass", &parsed).is_ok());
        // Other parameters (less memory, more passes) are read from the stored hash.
        let light = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 3, 1, None).unwrap(),
        );
        let stored = light.hash_password(b"other", &salt).unwrap().to_string();
        assert!(verify("other", &stored));
        assert!(!verify("othe", &stored));
        // One stored with more memory verifies too, and the block is kept at the usual size.
        let heavy = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(24 * 1024, 1, 1, None).unwrap(),
        );
        let heavy = heavy.hash_password(b"heavy", &salt).unwrap().to_string();
        assert!(verify("heavy", &heavy));
        let usual = Params::default().block_count();
        assert!(MEMORY.state.lock().unwrap().free.iter().all(|b| b.len() <= usual));
        // A hash without its output, or with an unknown algorithm, never matches.
        assert!(!verify("other", stored.rsplit_once('$').unwrap().0));
        assert!(!verify("other", &stored.replace("argon2id", "argon2q")));
    }

    #[test]
    fn checks_at_once_share_the_blocks_kept() {
        let h = hash("many at once").unwrap();
        let threads: Vec<_> = (0..6)
            .map(|_| {
                let h = h.clone();
                std::thread::spawn(move || verify("many at once", &h))
            })
            .collect();
        assert!(threads.into_iter().all(|t| t.join().unwrap()));
        let state = MEMORY.state.lock().unwrap();
        assert!(
            state.made <= MEMORY.most,
            "{} blocks for {} cores",
            state.made,
            MEMORY.most
        );
    }
}
