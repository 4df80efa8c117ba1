pub mod commit;
pub mod connection;
pub mod diff_view;
pub mod drift;
pub mod empty_state;
pub mod error_view;
pub mod nav;
pub mod status;
