//! A lock that a child process forked in the middle of an update can recover.
//!
//! The lock is a plain `pthread_mutex_t`. `pthread_atfork` handlers take it before
//! `fork` and release it in both parent and child, so the child never inherits it
//! held by a thread that does not exist there.

use std::cell::UnsafeCell;
use std::ops::{Deref, DerefMut};
use std::sync::Once;

/// A value behind a fork-safe mutex.
pub struct Locked<T> {
    mutex: UnsafeCell<libc::pthread_mutex_t>,
    value: UnsafeCell<T>,
    register_fork_handlers: Once,
}

// SAFETY: the value is only reached through `LockGuard`, which holds the mutex.
unsafe impl<T: Send> Sync for Locked<T> {}

impl<T> Locked<T> {
    /// Creates an unlocked value.
    pub const fn new(value: T) -> Self {
        Locked {
            mutex: UnsafeCell::new(libc::PTHREAD_MUTEX_INITIALIZER),
            value: UnsafeCell::new(value),
            register_fork_handlers: Once::new(),
        }
    }

    /// Locks the value, first registering the three handlers with `pthread_atfork`.
    /// `before_fork` must call `raw_lock`, and both others `raw_unlock`, on this value.
    pub fn lock_fork_safe(
        &self,
        before_fork: extern "C" fn(),
        in_parent: extern "C" fn(),
        in_child: extern "C" fn(),
    ) -> LockGuard<'_, T> {
        self.register_fork_handlers.call_once(|| {
            // SAFETY: the handlers only take and release this mutex; the parent and
            // child handlers run in the thread that took it in the prepare handler.
            unsafe {
                libc::pthread_atfork(Some(before_fork), Some(in_parent), Some(in_child));
            }
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
        // SAFETY: the mutex was statically initialized and is never moved while in use,
        // because `Locked` lives in a static.
        unsafe {
            libc::pthread_mutex_lock(self.mutex.get());
        }
    }

    /// Releases the mutex taken by `raw_lock` or a guard.
    pub fn raw_unlock(&self) {
        // SAFETY: called only by the thread that holds the mutex: the guard's owner, or
        // the forking thread in the parent and child `pthread_atfork` handlers.
        unsafe {
            libc::pthread_mutex_unlock(self.mutex.get());
        }
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
