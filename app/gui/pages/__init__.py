"""The window's pages: welcome, domains, screenshots, spam, exhibits and custody, documents."""
