//! A lock that a child process forked in the middle of an update can recover.
//!
//! On Unix the lock is a plain `pthread_mutex_t`. `pthread_atfork` handlers take it
//! before `fork` and release it in both parent and child, so the child never inherits
//! it held by a thread that does not exist there. Elsewhere there is no `fork`, and the
//! lock is a flag guarded by a `std` mutex and condition variable, which also supports
//! the guardless `raw_lock` and `raw_unlock`.

use std::cell::UnsafeCell;
use std::ops::{Deref, DerefMut};
use std::sync::Once;

#[cfg(not(unix))]
use portable as raw;
#[cfg(unix)]
use pthread as raw;

use raw::RawMutex;

/// A value behind a fork-safe mutex.
pub struct Locked<T> {
    mutex: RawMutex,
    value: UnsafeCell<T>,
    register_fork_handlers: Once,
}

// SAFETY: the value is only reached through `LockGuard`, which holds the mutex.
unsafe impl<T: Send> Sync for Locked<T> {}

impl<T> Locked<T> {
    /// Creates an unlocked value.
    pub const fn new(value: T) -> Self {
        Locked {
            mutex: RawMutex::new(),
            value: UnsafeCell::new(value),
            register_fork_handlers: Once::new(),
        }
    }

    /// Locks the value, first registering the three handlers with `pthread_atfork` on
    /// Unix. `before_fork` must call `raw_lock`, and both others `raw_unlock`, on this
    /// value.
    pub fn lock_fork_safe(
        &self,
        before_fork: extern "C" fn(),
        in_parent: extern "C" fn(),
        in_child: extern "C" fn(),
    ) -> LockGuard<'_, T> {
        self.register_fork_handlers.call_once(|| {
            raw::register_fork_handlers(before_fork, in_parent, in_child);
        });
        self.lock()
    }

    /// Returns the value while the mutex is held without a guard.
    ///
    /// # Safety
    /// The calling thread must hold the mutex through `raw_lock`, and must not keep the
    /// reference after releasing it.
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn get_while_locked(&self) -> &mut T {
        // SAFETY: the caller holds the mutex, so no other reference to the value exists.
        unsafe { &mut *self.value.get() }
    }

    /// Locks the value until the guard is dropped.
    pub fn lock(&self) -> LockGuard<'_, T> {
        self.raw_lock();
        LockGuard { locked: self }
    }

    /// Takes the mutex without a guard, for the `pthread_atfork` prepare handler.
    pub fn raw_lock(&self) {
        self.mutex.lock();
    }

    /// Releases the mutex taken by `raw_lock` or a guard.
    pub fn raw_unlock(&self) {
        self.mutex.unlock();
    }
}

/// Access to a locked value; unlocks when dropped, also during unwinding.
pub struct LockGuard<'a, T> {
    locked: &'a Locked<T>,
}

impl<T> Deref for LockGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard holds the mutex, so no other reference to the value exists.
        unsafe { &*self.locked.value.get() }
    }
}

impl<T> DerefMut for LockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the mutex and `&mut self` makes this the only access.
        unsafe { &mut *self.locked.value.get() }
    }
}

impl<T> Drop for LockGuard<'_, T> {
    fn drop(&mut self) {
        self.locked.raw_unlock();
    }
}

#[cfg(unix)]
mod pthread {
    use std::cell::UnsafeCell;

    /// A `pthread_mutex_t` that is locked and unlocked without a guard.
    pub struct RawMutex(UnsafeCell<libc::pthread_mutex_t>);

    impl RawMutex {
        pub const fn new() -> Self {
            RawMutex(UnsafeCell::new(libc::PTHREAD_MUTEX_INITIALIZER))
        }

        pub fn lock(&self) {
            // SAFETY: the mutex was statically initialized and is never moved while in
            // use, because `Locked` lives in a static.
            unsafe {
                libc::pthread_mutex_lock(self.0.get());
            }
        }

        pub fn unlock(&self) {
            // SAFETY: called only by the thread that holds the mutex: the guard's owner,
            // or the forking thread in the parent and child `pthread_atfork` handlers.
            unsafe {
                libc::pthread_mutex_unlock(self.0.get());
            }
        }
    }

    pub fn register_fork_handlers(
        before_fork: extern "C" fn(),
        in_parent: extern "C" fn(),
        in_child: extern "C" fn(),
    ) {
        // SAFETY: the handlers only take and release this mutex; the parent and child
        // handlers run in the thread that took it in the prepare handler.
        unsafe {
            libc::pthread_atfork(Some(before_fork), Some(in_parent), Some(in_child));
        }
    }
}

// Also built in Unix unit tests, which check it with real threads.
#[cfg(any(not(unix), test))]
#[cfg_attr(all(unix, test), allow(dead_code))]
mod portable {
    use std::sync::{Condvar, Mutex, PoisonError};

    /// A lock flag that a thread sets in `lock` and clears in `unlock`, without a guard.
    ///
    /// The `std` mutex is held only inside these two calls, so no panic in user code can
    /// poison it. A poisoned flag would still be read as it is.
    pub struct RawMutex {
        held: Mutex<bool>,
        released: Condvar,
    }

    impl RawMutex {
        pub const fn new() -> Self {
            RawMutex {
                held: Mutex::new(false),
                released: Condvar::new(),
            }
        }

        pub fn lock(&self) {
            let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
            while *held {
                held = self
                    .released
                    .wait(held)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            *held = true;
        }

        pub fn unlock(&self) {
            *self.held.lock().unwrap_or_else(PoisonError::into_inner) = false;
            self.released.notify_one();
        }
    }

    /// Does nothing: this platform has no `fork`.
    pub fn register_fork_handlers(
        _before_fork: extern "C" fn(),
        _in_parent: extern "C" fn(),
        _in_child: extern "C" fn(),
    ) {
    }

    #[cfg(test)]
    mod tests {
        use std::cell::UnsafeCell;
        use std::sync::Arc;

        use super::RawMutex;

        struct Counter {
            mutex: RawMutex,
            value: UnsafeCell<u64>,
        }

        // SAFETY: `value` is only touched while `mutex` is locked.
        unsafe impl Sync for Counter {}

        #[test]
        fn relock_after_unlock_succeeds() {
            let mutex = RawMutex::new();
            for _ in 0..3 {
                mutex.lock();
                mutex.unlock();
            }
        }

        #[test]
        #[cfg_attr(target_family = "wasm", ignore = "needs threads")]
        fn lock_excludes_other_threads() {
            const THREADS: u64 = 4;
            // Miri runs threads about a thousand times slower; a few rounds still interleave.
            const ROUNDS: u64 = if cfg!(miri) { 50 } else { 10_000 };
            let counter = Arc::new(Counter {
                mutex: RawMutex::new(),
                value: UnsafeCell::new(0),
            });
            let workers: Vec<_> = (0..THREADS)
                .map(|_| {
                    let counter = Arc::clone(&counter);
                    std::thread::spawn(move || {
                        for _ in 0..ROUNDS {
                            counter.mutex.lock();
                            // SAFETY: the mutex is held, so no other thread touches
                            // the value. The read and the write are separate steps,
                            // so a missing exclusion loses increments.
                            unsafe {
                                let value = counter.value.get().read();
                                std::thread::yield_now();
                                counter.value.get().write(value + 1);
                            }
                            counter.mutex.unlock();
                        }
                    })
                })
                .collect();
            for worker in workers {
                worker.join().expect("worker finishes");
            }
            counter.mutex.lock();
            // SAFETY: the mutex is held and every worker has finished.
            let total = unsafe { counter.value.get().read() };
            counter.mutex.unlock();
            assert_eq!(total, THREADS * ROUNDS);
        }

        #[test]
        #[cfg_attr(target_family = "wasm", ignore = "needs threads")]
        fn unlock_from_other_call_releases() {
            let mutex = Arc::new(RawMutex::new());
            mutex.lock();
            let waiter = {
                let mutex = Arc::clone(&mutex);
                std::thread::spawn(move || {
                    mutex.lock();
                    mutex.unlock();
                })
            };
            mutex.unlock();
            waiter.join().expect("waiter gets the lock after unlock");
        }
    }
}
