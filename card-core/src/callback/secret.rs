//! The app's callback secrets, kept out of `Debug` and logs.

use core::fmt;

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wraps the value, as shown in the developer console.
            pub fn new(value: impl Into<String>) -> Self {
                $name(value.into())
            }

            /// The value itself. Never log it.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(redacted)"))
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                $name(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(value.to_owned())
            }
        }
    };
}

secret! {
    /// The app's Verification Token (developer console, "Events & Callbacks" → "Encryption
    /// Strategy"): Lark puts it in `header.token` of every callback.
    ///
    /// ```
    /// let token = lark_card::callback::VerificationToken::new("v3rY-s3cret");
    /// assert_eq!(format!("{token:?}"), "VerificationToken(redacted)");
    /// ```
    VerificationToken
}

secret! {
    /// The app's Encrypt Key: with one, Lark encrypts callback bodies and signs requests.
    ///
    /// ```
    /// let key = lark_card::callback::EncryptKey::new("k3y");
    /// assert_eq!(format!("{key:?}"), "EncryptKey(redacted)");
    /// ```
    EncryptKey
}
