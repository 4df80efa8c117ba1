pub mod commit;
pub mod connection;
pub mod drift;
pub mod empty_state;
pub mod error_view;
pub mod nav;
pub mod status;
