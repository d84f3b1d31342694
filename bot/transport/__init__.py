"""The Bot API transport: request bodies, retries, response handling and bulk delivery."""
