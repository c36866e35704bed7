//! `dossier serve [--addr HOST:PORT] [--allow-remote] [--token TOKEN] [--cors ORIGIN]`

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;

use anyhow::Context;
use dossier::engine::IndexLocation;
use dossier::server::{self, ServerConfig};

use super::{open, Status};
use crate::cli::ServeArgs;

pub fn run(location: &IndexLocation, args: &ServeArgs) -> anyhow::Result<Status> {
    let addr: SocketAddr = args
        .addr
        .to_socket_addrs()
        .with_context(|| format!("--addr `{}` is not HOST:PORT", args.addr))?
        .next()
        .with_context(|| format!("--addr `{}` names no address", args.addr))?;
    if !addr.ip().is_loopback() {
        if !args.allow_remote {
            anyhow::bail!(
                "{addr} can be reached from other machines: add --allow-remote to serve there (and --token to require a token), or use 127.0.0.1"
            );
        }
        eprintln!(
            "dossier: warning: serving on {addr}, reachable from other machines{}",
            if args.token.is_some() {
                ""
            } else {
                " without a token (add --token)"
            }
        );
    }
    let engine = Arc::new(open(location, None)?);
    server::raise_open_file_limit();
    let config = ServerConfig {
        token: args.token.clone().filter(|t| !t.is_empty()),
        cors: args.cors.clone(),
        watch_lists: args.watch.clone(),
        ..ServerConfig::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let bound = listener.local_addr()?;
        eprintln!("dossier: listening on http://{bound}");
        server::serve(
            listener,
            server::router(engine, &config),
            &config,
            server::shutdown_signal(),
        )
        .await
        .context("the server stopped")?;
        eprintln!("dossier: stopped");
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(Status::Found)
}
