//! The memory allocator of the programs built on the library (the server and command
//! line, the three benchmarks, the bare tantivy floor), which each declare it their
//! `#[global_allocator]`. (The lab's binary, which only evaluates relevance, keeps the
//! system's.)
//!
//! A search allocates many small buffers that live for one request: terms, tokens,
//! clauses, snippets, JSON. glibc's `malloc` and `free` took 15 % of a loaded server's
//! samples, and mimalloc serves them in a fraction of that (a computed search over HTTP
//! 35 % more throughput, `docs/performance.md`). But on a large index every search also
//! takes a few buffers of a megabyte or more (a score per document), and for those
//! mimalloc was the slower: 1M passages, p99 +5 %. So requests of at least
//! [`LARGE_BYTES`] go to the system allocator, the others to mimalloc.

use std::alloc::{GlobalAlloc, Layout, System};

use mimalloc::MiMalloc;

/// Where the system allocator takes over (glibc's default threshold for serving a
/// request from its own mapping).
pub const LARGE_BYTES: usize = 128 * 1024;

/// mimalloc for small requests, the system allocator for large ones.
pub struct Allocator;

#[inline]
fn is_large(size: usize) -> bool {
    size >= LARGE_BYTES
}

// SAFETY: each request goes to one allocator by its size, and Rust gives `dealloc` and
// `realloc` the layout the block was allocated with, so a block always goes back to the
// allocator it came from. A `realloc` across the threshold moves the block.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            if is_large(layout.size()) {
                System.alloc(layout)
            } else {
                MiMalloc.alloc(layout)
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            if is_large(layout.size()) {
                System.alloc_zeroed(layout)
            } else {
                MiMalloc.alloc_zeroed(layout)
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on, to the allocator the block came from.
        unsafe {
            if is_large(layout.size()) {
                System.dealloc(ptr, layout)
            } else {
                MiMalloc.dealloc(ptr, layout)
            }
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, passed on; a block that changes sides is
        // allocated anew, copied (the smaller of the two sizes) and freed where it was.
        unsafe {
            match (is_large(layout.size()), is_large(new_size)) {
                (true, true) => System.realloc(ptr, layout, new_size),
                (false, false) => MiMalloc.realloc(ptr, layout, new_size),
                _ => {
                    let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
                    let new = self.alloc(new_layout);
                    if !new.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    new
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks grown and shrunk across the threshold keep their bytes and their alignment,
    /// and are freed where they came from (a wrong allocator would crash or corrupt here).
    #[test]
    fn blocks_keep_their_bytes_across_the_threshold() {
        for align in [8, 4096] {
            moves_across_the_threshold(align);
        }
    }

    fn moves_across_the_threshold(align: usize) {
        let allocator = Allocator;
        let sizes = [16, LARGE_BYTES - 1, LARGE_BYTES, 4 * LARGE_BYTES, 100, 8];
        let layout = Layout::from_size_align(sizes[0], align).unwrap();
        unsafe {
            let mut ptr = allocator.alloc_zeroed(layout);
            let mut layout = layout;
            assert!(!ptr.is_null());
            for pair in sizes.windows(2) {
                let (old, new) = (pair[0], pair[1]);
                let kept = old.min(new);
                for i in 0..kept {
                    *ptr.add(i) = (i % 251) as u8;
                }
                ptr = allocator.realloc(ptr, layout, new);
                assert!(!ptr.is_null(), "{old} -> {new}");
                assert_eq!(
                    ptr as usize % align,
                    0,
                    "{old} -> {new}, aligned to {align}"
                );
                layout = Layout::from_size_align(new, align).unwrap();
                for i in 0..kept {
                    assert_eq!(*ptr.add(i), (i % 251) as u8, "{old} -> {new}, byte {i}");
                }
            }
            allocator.dealloc(ptr, layout);
        }
    }
}
