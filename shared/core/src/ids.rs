//! Typed identifiers, validated once: an `AccountId` is always 12 digits, a `Region` always
//! looks like `eu-west-1`, and so on. Strings from events are the caller's (anyone who can
//! call the API can put anything in a request parameter): they become ids only through
//! `parse`, so a malformed value never reaches an alert link, a role ARN or a remediation
//! target. A leaf module: it depends on nothing else in the crate.

use serde::Serialize;
use std::borrow::Borrow;
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The id, when `s` is well formed.
            pub fn parse(s: &str) -> Option<$name> {
                let valid: fn(&str) -> bool = $check;
                valid(s).then(|| $name(s.to_string()))
            }

            /// Whether `s` is well formed.
            pub fn is_valid(s: &str) -> bool {
                let valid: fn(&str) -> bool = $check;
                valid(s)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

id_type!(
    /// An AWS account id: exactly 12 ASCII digits (kept as a string: leading zeros matter).
    AccountId,
    |s| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
);

id_type!(
    /// An AWS region name such as `eu-west-1` or `us-gov-west-1`.
    Region,
    |s| {
        let mut parts = 0usize;
        let mut last_numeric = false;
        for p in s.split('-') {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
                return false;
            }
            parts += 1;
            last_numeric = p.bytes().all(|b| b.is_ascii_digit());
        }
        s.len() <= 32 && parts >= 3 && last_numeric
    }
);

id_type!(
    /// An Organizations policy id (`p-…`, at least 8 characters after the prefix; includes
    /// the AWS-managed `p-FullAWSAccess`).
    PolicyId,
    |s| prefixed(s, "p-", 8)
);

id_type!(
    /// An organizational unit id (`ou-<root>-<suffix>`).
    OuId,
    |s| prefixed(s, "ou-", 9)
);

id_type!(
    /// An organization root id (`r-…`).
    RootId,
    |s| prefixed(s, "r-", 4)
);

fn prefixed(s: &str, prefix: &str, min_tail: usize) -> bool {
    s.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() >= min_tail
            && rest.len() <= 128
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(AccountId::parse("012345678901").is_some());
        assert!(AccountId::parse("12345678901").is_none());
        assert!(AccountId::parse("1234567890123").is_none());
        assert!(AccountId::parse("<!channel> 1").is_none());
        assert!(AccountId::parse("01234567890a").is_none());
        assert_eq!(
            AccountId::parse("012345678901").map(String::from),
            Some("012345678901".to_string())
        );
    }

    #[test]
    fn regions() {
        for ok in ["eu-west-1", "us-gov-west-1", "ap-southeast-5", "cn-north-1"] {
            assert!(Region::is_valid(ok), "{ok}");
        }
        for bad in [
            "",
            "eu-west",
            "EU-west-1",
            "eu--1",
            "eu-west-1 ",
            "west-1",
            "eu-west-x",
        ] {
            assert!(!Region::is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn organizations_ids() {
        assert!(PolicyId::is_valid("p-abcd1234"));
        assert!(PolicyId::is_valid("p-FullAWSAccess"));
        assert!(!PolicyId::is_valid("p-abc"));
        assert!(OuId::is_valid("ou-ab12-abcdefgh"));
        assert!(!OuId::is_valid("ou-ab12"));
        assert!(RootId::is_valid("r-ab12"));
        assert!(!RootId::is_valid("r-a b12"));
    }

    #[test]
    fn compares_with_strings() {
        let a = AccountId::parse("111111111111");
        assert!(a.as_ref().is_some_and(|a| a == "111111111111"));
        assert!(a.is_some_and(|a| "111111111111" == a));
    }
}
