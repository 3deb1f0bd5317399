//! A minimal AWS Lambda Runtime API (the HTTP interface a `provided.al2023` function talks
//! to), enough to run a function binary locally: it hands out queued events on
//! `GET /2018-06-01/runtime/invocation/next` and records what the function posts back.
//! Loopback only; the server task ends with the test's runtime.

use serde_json::Value;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, Notify};

/// What the function answered for one invocation.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Response(Value),
    Error(Value),
}

#[derive(Debug, Default)]
struct State {
    queue: VecDeque<(String, Value)>,
    answers: Vec<(String, Answer)>,
    init_error: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct RuntimeApi {
    /// `127.0.0.1:<port>`: the value of `AWS_LAMBDA_RUNTIME_API`.
    pub address: String,
    state: Arc<Mutex<State>>,
    changed: Arc<Notify>,
}

impl RuntimeApi {
    pub async fn start() -> std::io::Result<RuntimeApi> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?.to_string();
        let api = RuntimeApi {
            address,
            state: Arc::new(Mutex::new(State::default())),
            changed: Arc::new(Notify::new()),
        };
        let server = api.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let s = server.clone();
                tokio::spawn(async move {
                    let _ = s.serve(stream).await;
                });
            }
        });
        Ok(api)
    }

    /// Queue an event for the function; returns its request id.
    pub async fn invoke(&self, request_id: &str, event: Value) {
        self.state
            .lock()
            .await
            .queue
            .push_back((request_id.to_string(), event));
        self.changed.notify_waiters();
    }

    /// Wait for the function's answer to `request_id`.
    pub async fn answer(&self, request_id: &str, timeout: Duration) -> Option<Answer> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            {
                let st = self.state.lock().await;
                if let Some((_, a)) = st.answers.iter().find(|(id, _)| id == request_id) {
                    return Some(a.clone());
                }
                if let Some(e) = &st.init_error {
                    return Some(Answer::Error(e.clone()));
                }
            }
            if tokio::time::Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn next_event(&self) -> (String, Value) {
        loop {
            let notified = self.changed.notified();
            if let Some(ev) = self.state.lock().await.queue.pop_front() {
                return ev;
            }
            notified.await;
        }
    }

    async fn serve(&self, stream: TcpStream) -> std::io::Result<()> {
        let mut reader = BufReader::new(stream);
        loop {
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).await? == 0 {
                return Ok(());
            }
            let mut parts = request_line.split_whitespace();
            let method = parts.next().unwrap_or("").to_string();
            let path = parts.next().unwrap_or("").to_string();
            let mut content_length = 0usize;
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).await? == 0 {
                    return Ok(());
                }
                let h = header.trim_end();
                if h.is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':')
                    && k.eq_ignore_ascii_case("content-length")
                {
                    content_length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0u8; content_length];
            reader.read_exact(&mut body).await?;
            let body_json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);

            let mut handed_out = None;
            let (status, headers, payload) = match (method.as_str(), path.as_str()) {
                ("GET", "/2018-06-01/runtime/invocation/next") => {
                    let (id, event) = self.next_event().await;
                    handed_out = Some((id.clone(), event.clone()));
                    let deadline = chrono::Utc::now().timestamp_millis() + 60_000;
                    (
                        "200 OK",
                        format!(
                            "Lambda-Runtime-Aws-Request-Id: {id}\r\nLambda-Runtime-Deadline-Ms: {deadline}\r\nLambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:000000000000:function:local\r\nLambda-Runtime-Trace-Id: Root=1-00000000-000000000000000000000000\r\n"
                        ),
                        event.to_string(),
                    )
                }
                ("POST", "/2018-06-01/runtime/init/error") => {
                    self.state.lock().await.init_error = Some(body_json);
                    ("202 Accepted", String::new(), "{}".to_string())
                }
                ("POST", p) if p.starts_with("/2018-06-01/runtime/invocation/") => {
                    let rest = p.trim_start_matches("/2018-06-01/runtime/invocation/");
                    let (id, kind) = rest.split_once('/').unwrap_or((rest, ""));
                    let answer = if kind == "response" {
                        Answer::Response(body_json)
                    } else {
                        Answer::Error(body_json)
                    };
                    self.state
                        .lock()
                        .await
                        .answers
                        .push((id.to_string(), answer));
                    ("202 Accepted", String::new(), "{}".to_string())
                }
                _ => ("404 Not Found", String::new(), "{}".to_string()),
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{headers}\r\n{payload}",
                payload.len()
            );
            let written = async {
                reader.get_mut().write_all(response.as_bytes()).await?;
                reader.get_mut().flush().await
            }
            .await;
            if let Err(e) = written {
                // The function went away while waiting (killed): give the event to the next one.
                if let Some(ev) = handed_out {
                    self.state.lock().await.queue.push_front(ev);
                    self.changed.notify_waiters();
                }
                return Err(e);
            }
        }
    }
}
