//! The cryptography of Lark's callbacks: the `X-Lark-Signature` of a request, and the
//! `{"encrypt": …}` body of an app with an Encrypt Key.
//!
//! - The AES key is the SHA-256 of the Encrypt Key (its UTF-8 bytes).
//! - `encrypt` is base64 of a 16-byte IV followed by AES-256-CBC of the JSON, PKCS#7 padded.
//! - `X-Lark-Signature` is the lowercase hex SHA-256 of `timestamp + nonce + encrypt_key +
//!   body` (the headers `X-Lark-Request-Timestamp` and `X-Lark-Request-Nonce`, the Encrypt
//!   Key, and the raw body bytes).
//!
//! These are public so that a test (or the emulator) can make requests exactly as Lark does.
//!
//! ```
//! use lark_card::callback::crypto::{decrypt, encrypt, signature};
//! use lark_card::Secret;
//!
//! let key = Secret::new("my encrypt key");
//! let body = encrypt(&key, br#"{"schema":"2.0"}"#, [7; 16]);
//! assert_eq!(decrypt(&key, &body)?, br#"{"schema":"2.0"}"#);
//! assert_eq!(signature("1700000000", "n1", &key, b"{}").len(), 64);
//! # Ok::<(), lark_card::callback::CallbackError>(())
//! ```

use aes::cipher::{block_padding::Pkcs7, BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::error::CallbackError;
use crate::Secret;

type Aes256CbcEnc = cbc::Encryptor<aes::Aes256>;
type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

/// The name of the header holding the signature.
pub const SIGNATURE_HEADER: &str = "X-Lark-Signature";
/// The name of the header holding the request's Unix time, in seconds.
pub const TIMESTAMP_HEADER: &str = "X-Lark-Request-Timestamp";
/// The name of the header holding the request's nonce.
pub const NONCE_HEADER: &str = "X-Lark-Request-Nonce";

const IV_LEN: usize = 16;

fn aes_key(key: &Secret) -> [u8; 32] {
    Sha256::digest(key.expose().as_bytes()).into()
}

/// The `X-Lark-Signature` of a request: lowercase hex SHA-256 of `timestamp + nonce + key +
/// body`.
pub fn signature(timestamp: &str, nonce: &str, key: &Secret, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(timestamp.as_bytes());
    hasher.update(nonce.as_bytes());
    hasher.update(key.expose().as_bytes());
    hasher.update(body);
    hex(&hasher.finalize())
}

/// Whether `given` is the signature of the request, compared in constant time.
pub fn signature_matches(
    given: &str,
    timestamp: &str,
    nonce: &str,
    key: &Secret,
    body: &[u8],
) -> bool {
    let expected = signature(timestamp, nonce, key, body);
    // Lark writes lowercase hex; an uppercase copy is the same digest.
    let given = given.trim().to_ascii_lowercase();
    bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// The `encrypt` string of a body: base64 of `iv` followed by AES-256-CBC of `plaintext`.
/// `iv` must be fresh and unpredictable for each message (the emulator draws it at random).
pub fn encrypt(key: &Secret, plaintext: &[u8], iv: [u8; IV_LEN]) -> String {
    let key = aes_key(key);
    let cipher = Aes256CbcEnc::new(&key.into(), &iv.into()).encrypt_padded_vec::<Pkcs7>(plaintext);
    let mut out = Vec::with_capacity(IV_LEN + cipher.len());
    out.extend_from_slice(&iv);
    out.extend_from_slice(&cipher);
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// The plaintext of an `encrypt` string. [`CallbackError::Decrypt`] when it is not base64,
/// too short, or does not decrypt with this key (the padding is wrong).
pub fn decrypt(key: &Secret, encrypted: &str) -> Result<Vec<u8>, CallbackError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encrypted.trim())
        .map_err(|_| CallbackError::Decrypt("`encrypt` is not base64"))?;
    if bytes.len() < 2 * IV_LEN || bytes.len() % IV_LEN != 0 {
        return Err(CallbackError::Decrypt(
            "`encrypt` is not an IV followed by whole AES blocks",
        ));
    }
    let (iv, cipher) = bytes.split_at(IV_LEN);
    let mut iv_block = [0u8; IV_LEN];
    iv_block.copy_from_slice(iv);
    let key = aes_key(key);
    Aes256CbcDec::new(&key.into(), &iv_block.into())
        .decrypt_padded_vec::<Pkcs7>(cipher)
        .map_err(|_| CallbackError::Decrypt("`encrypt` does not decrypt with this Encrypt Key"))
}

/// Two secrets compared in constant time (for the Verification Token).
pub(crate) fn secrets_equal(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_sha256_hex_of_the_concatenation() {
        // sha256("") is well known; with everything empty the signature is that digest.
        let key = Secret::new("");
        assert_eq!(
            signature("", "", &key, b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let key = Secret::new("k");
        let sig = signature("1", "2", &key, b"3");
        assert!(signature_matches(&sig, "1", "2", &key, b"3"));
        assert!(signature_matches(&sig.to_uppercase(), "1", "2", &key, b"3"));
        assert!(!signature_matches(&sig, "1", "2", &key, b"4"));
        assert!(!signature_matches("", "1", "2", &key, b"3"));
    }

    #[test]
    fn the_example_of_lark_s_documentation_decrypts() {
        // From Lark's page on event encryption: Encrypt Key `test key`.
        let key = Secret::new("test key");
        let plain = decrypt(&key, "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=");
        assert_eq!(plain.ok().as_deref(), Some(&b"hello world"[..]));
    }

    #[test]
    fn encryption_round_trips_and_other_keys_fail() {
        let key = Secret::new("test key");
        for len in [0usize, 1, 15, 16, 17, 1000] {
            let plain = vec![b'x'; len];
            let enc = encrypt(&key, &plain, [3; 16]);
            assert_eq!(decrypt(&key, &enc).ok(), Some(plain));
        }
        let enc = encrypt(&key, b"{\"a\":1}", [9; 16]);
        let other = Secret::new("another key");
        // A wrong key almost always breaks the padding; when it does not, the bytes are noise.
        assert_ne!(decrypt(&other, &enc).ok(), Some(b"{\"a\":1}".to_vec()));
        assert!(decrypt(&key, "not base64!").is_err());
        assert!(decrypt(&key, "AAAA").is_err());
    }
}
