//! How a record is stored: JSON, gzip-compressed, the manifests split into chunks small enough
//! for any API server (etcd refuses objects above 1.5 MiB by default; a Secret's bytes travel
//! base64-encoded, a third larger), with a SHA-256 of the whole so a record read back from
//! several objects is known to be complete and unaltered.

use super::{Error, Manifest, Result};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};

/// The most compressed bytes one Secret carries.
pub const CHUNK: usize = 512 * 1024;

/// The most a record may take once decompressed: a hostile or damaged record must not fill
/// the memory of whoever reads it.
pub const MAX_DECOMPRESSED: u64 = 256 * 1024 * 1024;

pub fn compress<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let json = serde_json::to_vec(value).expect("records serialise");
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(&json).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// The most a record's metadata may take once decompressed: it is read for every record of
/// an application each time the history is listed.
pub const MAX_META: u64 = 4 * 1024 * 1024;

/// The most chunks a record may claim (at [`CHUNK`] each, 32 MiB compressed).
pub const MAX_CHUNKS: usize = 64;

pub fn decompress<T: serde::de::DeserializeOwned>(name: &str, bytes: &[u8]) -> Result<T> {
    decompress_within(name, bytes, MAX_DECOMPRESSED)
}

/// A record's metadata, within [`MAX_META`].
pub fn decompress_meta<T: serde::de::DeserializeOwned>(name: &str, bytes: &[u8]) -> Result<T> {
    decompress_within(name, bytes, MAX_META)
}

fn decompress_within<T: serde::de::DeserializeOwned>(
    name: &str,
    bytes: &[u8],
    limit: u64,
) -> Result<T> {
    let mut json = Vec::new();
    GzDecoder::new(bytes)
        .take(limit + 1)
        .read_to_end(&mut json)
        .map_err(|e| damaged(name, format!("not gzip: {e}")))?;
    if json.len() as u64 > limit {
        return Err(damaged(
            name,
            format!("larger than {limit} bytes once decompressed"),
        ));
    }
    serde_json::from_slice(&json).map_err(|e| damaged(name, format!("not a record: {e}")))
}

/// The manifests compressed, in chunks, and the digest of the whole.
pub fn split(manifests: &[Manifest]) -> (Vec<Vec<u8>>, String) {
    let whole = compress(&manifests);
    let digest = digest(&whole);
    let chunks = whole.chunks(CHUNK).map(<[u8]>::to_vec).collect();
    (chunks, digest)
}

/// The manifests from their chunks, in order, checked against `expected` (the digest).
pub fn join(name: &str, chunks: &[Vec<u8>], expected: &str) -> Result<Vec<Manifest>> {
    let whole = chunks.concat();
    if digest(&whole) != expected {
        return Err(damaged(
            name,
            "its parts do not add up (a chunk is missing or altered)".into(),
        ));
    }
    decompress(name, &whole)
}

pub fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn damaged(name: &str, message: String) -> Error {
    Error::Damaged {
        name: name.to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use shipdeck_ipc::deploy::ResourceRef;

    fn manifests(n: usize) -> Vec<Manifest> {
        // Random-looking data compresses badly, so a few thousand objects need several chunks.
        (0..n)
            .map(|i| Manifest {
                resource: ResourceRef {
                    group: String::new(),
                    kind: "ConfigMap".into(),
                    namespace: Some("shop".into()),
                    name: format!("c{i}"),
                },
                version: "v1".into(),
                object: json!({"data": {"v": (0..32u32)
                    .map(|j| digest(&[i.to_le_bytes(), (j as usize).to_le_bytes()].concat()))
                    .collect::<String>()}}),
            })
            .collect()
    }

    #[test]
    fn a_large_record_is_split_and_read_back_whole() {
        let all = manifests(4000);
        let (chunks, digest) = split(&all);
        assert!(chunks.len() > 1, "{} chunk(s)", chunks.len());
        assert!(chunks.iter().all(|c| c.len() <= CHUNK));
        assert_eq!(join("r", &chunks, &digest).unwrap(), all);
    }

    #[test]
    fn a_missing_or_altered_chunk_is_damage_not_a_shorter_record() {
        let all = manifests(4000);
        let (mut chunks, digest) = split(&all);
        let last = chunks.pop().unwrap();
        assert!(matches!(
            join("r", &chunks, &digest),
            Err(Error::Damaged { .. })
        ));
        chunks.push(last);
        chunks[0][100] ^= 1;
        assert!(matches!(
            join("r", &chunks, &digest),
            Err(Error::Damaged { .. })
        ));
    }

    #[test]
    fn a_decompression_bomb_is_refused() {
        let zeros = vec![0u8; 1024 * 1024 + 10];
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(&zeros).unwrap();
        let bomb = encoder.finish().unwrap();
        let err = decompress_within::<Vec<Manifest>>("r", &bomb, 1024 * 1024).unwrap_err();
        assert!(err.to_string().contains("larger than"), "{err}");
    }
}
