"""Update handlers: each loads, decides (with flows/), writes, and replies."""
