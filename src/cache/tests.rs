//! The bounded LRU map behind the point caches.

use crate::cache::Lru;

#[test]
fn evicts_the_least_recently_used() {
    let mut lru: Lru<u32, &str> = Lru::new(2);
    assert_eq!(lru.insert(1, "one"), "one");
    assert_eq!(lru.insert(2, "two"), "two");
    assert_eq!(lru.get(&1), Some("one")); // 1 is now newer than 2
    lru.insert(3, "three");
    assert_eq!(lru.len(), 2);
    assert_eq!(lru.get(&2), None);
    assert_eq!(lru.get(&1), Some("one"));
    assert_eq!(lru.get(&3), Some("three"));
}

#[test]
fn first_insert_wins() {
    let mut lru: Lru<u32, &str> = Lru::new(4);
    lru.insert(7, "first");
    assert_eq!(lru.insert(7, "second"), "first");
    assert_eq!(lru.get(&7), Some("first"));
    assert_eq!(lru.len(), 1);
}

#[test]
fn never_exceeds_its_bound() {
    let mut lru: Lru<u32, u32> = Lru::new(16);
    for i in 0..1000 {
        lru.insert(i, i);
        assert!(lru.len() <= 16);
    }
    // The 16 newest survive.
    for i in 984..1000 {
        assert_eq!(lru.get(&i), Some(i));
    }
}

#[test]
fn capacity_zero_caches_nothing() {
    let mut lru: Lru<u32, u32> = Lru::new(0);
    assert_eq!(lru.insert(1, 10), 10);
    assert_eq!(lru.get(&1), None);
    assert_eq!(lru.len(), 0);
}

#[test]
fn string_keys_are_found_by_str() {
    let mut lru: Lru<String, u8> = Lru::new(2);
    lru.insert("a:b".to_owned(), 1);
    assert_eq!(lru.get("a:b"), Some(1));
}
