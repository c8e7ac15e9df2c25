<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Catalog</name>
    <message>
        <source>The catalog is not valid JSON: %1.</source>
        <translation>模型目录不是有效的 JSON：%1。</translation>
    </message>
    <message>
        <source>The catalog has version %1; this app reads version 1.</source>
        <translation>模型目录的版本为 %1；本应用只能读取版本 1。</translation>
    </message>
    <message>
        <source>The catalog entry &quot;%1&quot; lacks its id or shapes.</source>
        <translation>目录条目“%1”缺少 ID 或形状信息。</translation>
    </message>
    <message>
        <source>The catalog file &quot;%1&quot; of %2 has no usable name, URL or size.</source>
        <translation>%2 的目录文件“%1”缺少可用的名称、URL 或大小。</translation>
    </message>
    <message>
        <source>Needs %1 of %2 available · the weights alone do not fit</source>
        <translation>需要 %1，可用 %2 · 仅权重就放不下</translation>
    </message>
    <message>
        <source>Needs %1 of %2 available · up to %3 tokens of context</source>
        <translation>需要 %1，可用 %2 · 上下文最多 %3 个 token</translation>
    </message>
    <message>
        <source>Speed not known yet</source>
        <translation>速度暂不可知</translation>
    </message>
    <message>
        <source>~%1 tokens/s</source>
        <translation>约 %1 tokens/s</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Message (Enter to send, Shift+Enter for a new line)</source>
        <translation>输入消息（Enter 发送，Shift+Enter 换行）</translation>
    </message>
    <message>
        <source>Load a model to start chatting</source>
        <translation>加载模型后即可开始聊天</translation>
    </message>
    <message>
        <source>Message input</source>
        <translation>消息输入框</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop generating</source>
        <translation>停止生成</translation>
    </message>
    <message>
        <source>Escape</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Regenerate the last answer</source>
        <translation>重新生成上一条回答</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Hide the system prompt</source>
        <translation>隐藏系统提示词</translation>
    </message>
    <message>
        <source>Show the system prompt</source>
        <translation>显示系统提示词</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>(for new chats)</source>
        <translation>（用于新聊天）</translation>
    </message>
    <message>
        <source>Instructions the model follows in this chat, e.g. “Answer briefly.”</source>
        <translation>模型在本次聊天中遵循的指示，例如“回答尽量简短。”</translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <source>%1 KiB</source>
        <translation>%1 KiB</translation>
    </message>
    <message>
        <source>Searching your documents…</source>
        <translation>正在搜索你的文档…</translation>
    </message>
    <message>
        <source>Snippet budget: %1 tokens</source>
        <translation>片段预算：%1 个 token</translation>
    </message>
    <message>
        <source>No matching snippets (budget %1 tokens)</source>
        <translation>没有匹配的片段（预算 %1 个 token）</translation>
    </message>
    <message>
        <source>Snippets: %1 · +%2 tokens · +%3 KV cache · budget %4 tokens</source>
        <translation>片段：%1 · +%2 个 token · +%3 KV 缓存 · 预算 %4 个 token</translation>
    </message>
    <message>
        <source>Snippets: %1 · +%2 tokens · budget %3 tokens</source>
        <translation>片段：%1 · +%2 个 token · 预算 %3 个 token</translation>
    </message>
    <message>
        <source>Documents: %1</source>
        <translation>文档：%1</translation>
    </message>
    <message>
        <source>Manage…</source>
        <translation>管理…</translation>
    </message>
    <message>
        <source>Open the documents page</source>
        <translation>打开文档页面</translation>
    </message>
</context>
<context>
    <name>ContextMeter</name>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>%1 GiB</source>
        <translation>%1 GiB</translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <source>%1 KiB</source>
        <translation>%1 KiB</translation>
    </message>
    <message>
        <source>%1 / %2 tokens</source>
        <translation>%1 / %2 个 token</translation>
    </message>
    <message>
        <source>KV cache %1 / %2</source>
        <translation>KV 缓存 %1 / %2</translation>
    </message>
    <message>
        <source>%1 tokens left</source>
        <translation>剩余 %1 个 token</translation>
    </message>
    <message>
        <source>Context used: %1</source>
        <translation>已用上下文：%1</translation>
    </message>
    <message>
        <source>Context fill</source>
        <translation>上下文占用</translation>
    </message>
    <message>
        <source>Full</source>
        <translation>已满</translation>
    </message>
</context>
<context>
    <name>DocumentExtractor</name>
    <message>
        <source>%1 disappeared before it could be read</source>
        <translation>%1 在读取前已不存在</translation>
    </message>
    <message>
        <source>%1 could not be opened: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>%1 is empty</source>
        <translation>%1 是空的</translation>
    </message>
    <message>
        <source>%1 was skipped: it is not a text document (it looks like binary data)</source>
        <translation>已跳过 %1：它不是文本文档（看起来是二进制数据）</translation>
    </message>
    <message>
        <source>Reading %1 failed: %2</source>
        <translation>读取 %1 失败：%2</translation>
    </message>
    <message>
        <source>%1 contains no text</source>
        <translation>%1 不包含文本</translation>
    </message>
    <message>
        <source>%1 is not a valid PDF document</source>
        <translation>%1 不是有效的 PDF 文档</translation>
    </message>
    <message>
        <source>%1 is truncated or damaged: the PDF has no end-of-file marker</source>
        <translation>%1 不完整或已损坏：PDF 缺少文件结束标记</translation>
    </message>
    <message>
        <source>%1 is password-protected</source>
        <translation>%1 受密码保护</translation>
    </message>
    <message>
        <source>%1 is encrypted with a security scheme that cannot be read</source>
        <translation>%1 使用了无法读取的安全方案加密</translation>
    </message>
    <message>
        <source>%1 is damaged or not a valid PDF document</source>
        <translation>%1 已损坏或不是有效的 PDF 文档</translation>
    </message>
    <message>
        <source>%1 could not be read as a PDF document</source>
        <translation>无法将 %1 作为 PDF 文档读取</translation>
    </message>
    <message>
        <source>%1 has no readable pages</source>
        <translation>%1 没有可读取的页面</translation>
    </message>
    <message>
        <source>%1 contains no text (it may be scanned images without a text layer)</source>
        <translation>%1 不包含文本（可能是没有文字层的扫描图像）</translation>
    </message>
    <message>
        <source>%1 is password-protected or in the old Word format</source>
        <translation>%1 受密码保护，或是旧版 Word 格式</translation>
    </message>
    <message>
        <source>%1 is damaged or not a Word document (it is not a zip archive)</source>
        <translation>%1 已损坏或不是 Word 文档（它不是 zip 压缩包）</translation>
    </message>
    <message>
        <source>%1 is damaged or not a Word document (word/document.xml is missing)</source>
        <translation>%1 已损坏或不是 Word 文档（缺少 word/document.xml）</translation>
    </message>
    <message>
        <source>%1 is damaged</source>
        <translation>%1 已损坏</translation>
    </message>
    <message>
        <source>%1 is damaged: its text could not be decompressed</source>
        <translation>%1 已损坏：其文本无法解压</translation>
    </message>
    <message>
        <source>%1 is too large to read</source>
        <translation>%1 太大，无法读取</translation>
    </message>
    <message>
        <source>%1 is damaged: its text is not valid XML (%2)</source>
        <translation>%1 已损坏：其文本不是有效的 XML（%2）</translation>
    </message>
</context>
<context>
    <name>DocumentFileListModel</name>
    <message>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Indexed</source>
        <translation>已索引</translation>
    </message>
    <message>
        <source>Empty</source>
        <translation>空文件</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>缺失</translation>
    </message>
</context>
<context>
    <name>DocumentsPage</name>
    <message>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Files: %1 · indexed: %2 · with problems: %3 · chunks: %4</source>
        <translation>文件：%1 · 已索引：%2 · 有问题：%3 · 文本块：%4</translation>
    </message>
    <message>
        <source>Files: %1 · indexed: %2 · chunks: %3</source>
        <translation>文件：%1 · 已索引：%2 · 文本块：%3</translation>
    </message>
    <message>
        <source>New collection name</source>
        <translation>新文档集名称</translation>
    </message>
    <message>
        <source>Name of the new collection</source>
        <translation>新文档集的名称</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>Create the collection</source>
        <translation>创建文档集</translation>
    </message>
    <message>
        <source>Snippet budget</source>
        <translation>片段预算</translation>
    </message>
    <message>
        <source>Tokens of document snippets a question may add to the prompt</source>
        <translation>每个问题最多可向提示词加入的文档片段 token 数</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>个 token</translation>
    </message>
    <message>
        <source>Embedding model</source>
        <translation>嵌入模型</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>none (keyword search only)</source>
        <translation>无（仅关键词搜索）</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Choose an embedding model (bert or nomic-bert GGUF)</source>
        <translation>选择嵌入模型（bert 或 nomic-bert 架构的 GGUF）</translation>
    </message>
    <message>
        <source>None</source>
        <translation>不使用</translation>
    </message>
    <message>
        <source>Use keyword search only</source>
        <translation>仅使用关键词搜索</translation>
    </message>
    <message>
        <source>Collections</source>
        <translation>文档集</translation>
    </message>
    <message>
        <source>No collections yet. Drop files or folders here, or create one.</source>
        <translation>还没有文档集。将文件或文件夹拖放到这里，或新建一个。</translation>
    </message>
    <message>
        <source>Use in this chat</source>
        <translation>在此聊天中使用</translation>
    </message>
    <message>
        <source>Use %1 in this chat</source>
        <translation>在此聊天中使用 %1</translation>
    </message>
    <message>
        <source>Open a chat to use collections in it</source>
        <translation>打开一个聊天，即可在其中使用文档集</translation>
    </message>
    <message>
        <source>Indexing progress of %1</source>
        <translation>%1 的索引进度</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Rename %1</source>
        <translation>重命名 %1</translation>
    </message>
    <message>
        <source>Re-index</source>
        <translation>重新索引</translation>
    </message>
    <message>
        <source>Re-index %1</source>
        <translation>重新索引 %1</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>移除 %1</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>Add files to the collection</source>
        <translation>向文档集添加文件</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Add a folder to the collection</source>
        <translation>向文档集添加文件夹</translation>
    </message>
    <message>
        <source>Remove %1 from the collection</source>
        <translation>从文档集中移除 %1</translation>
    </message>
    <message>
        <source>Files of the collection</source>
        <translation>文档集中的文件</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1 · chunks: %2</source>
        <translation>%1 · 文本块：%2</translation>
    </message>
    <message>
        <source>Progress of the documents&apos; vectors</source>
        <translation>文档向量的计算进度</translation>
    </message>
    <message>
        <source>Computing vectors: %1 of %2 chunks</source>
        <translation>正在计算向量：%1 / %2 个文本块</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop computing vectors</source>
        <translation>停止计算向量</translation>
    </message>
    <message>
        <source>Indexing progress</source>
        <translation>索引进度</translation>
    </message>
    <message>
        <source>Indexing %1 of %2: %3</source>
        <translation>正在索引第 %1 个（共 %2 个）：%3</translation>
    </message>
    <message>
        <source>Cancel indexing</source>
        <translation>取消索引</translation>
    </message>
    <message>
        <source>Drop files or folders to add them to the collection</source>
        <translation>松开文件或文件夹即可将其添加到文档集</translation>
    </message>
    <message>
        <source>Choose an embedding model</source>
        <translation>选择嵌入模型</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Rename collection</source>
        <translation>重命名文档集</translation>
    </message>
    <message>
        <source>New name of the collection</source>
        <translation>文档集的新名称</translation>
    </message>
    <message>
        <source>Remove collection</source>
        <translation>移除文档集</translation>
    </message>
    <message>
        <source>Remove the collection %1 and its index? The files on disk are not touched.</source>
        <translation>要移除文档集 %1 及其索引吗？磁盘上的文件不受影响。</translation>
    </message>
</context>
<context>
    <name>EmbeddingModel</name>
    <message>
        <source>%1 could not be read as a model: %2</source>
        <translation>无法将 %1 作为模型读取：%2</translation>
    </message>
    <message>
        <source>%1 is not an embedding model (its architecture is “%2”); embedding models are bert or nomic-bert GGUF files such as nomic-embed-text or bge-small</source>
        <translation>%1 不是嵌入模型（其架构为“%2”）；嵌入模型是 bert 或 nomic-bert 架构的 GGUF 文件，例如 nomic-embed-text 或 bge-small</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>%1: its tokenizer cannot be used: %2</source>
        <translation>%1：其分词器无法使用：%2</translation>
    </message>
    <message>
        <source>%1 could not be loaded: %2</source>
        <translation>无法加载 %1：%2</translation>
    </message>
    <message>
        <source>%1 cannot embed text: %2</source>
        <translation>%1 无法为文本生成嵌入向量：%2</translation>
    </message>
    <message>
        <source>The embedding model failed: %1</source>
        <translation>嵌入模型出错：%1</translation>
    </message>
</context>
<context>
    <name>FirstRun</name>
    <message>
        <source>Welcome to Hearth</source>
        <translation>欢迎使用 Hearth</translation>
    </message>
    <message>
        <source>Chat with language models offline, on your CPU. Nothing you type leaves this computer.</source>
        <translation>在你的 CPU 上离线与语言模型聊天。你输入的任何内容都不会离开这台电脑。</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>Drop a .gguf file here</source>
        <translation>将 .gguf 文件拖放到这里</translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation>打开模型…</translation>
    </message>
    <message>
        <source>Open a model file</source>
        <translation>打开模型文件</translation>
    </message>
    <message>
        <source>Browse models…</source>
        <translation>浏览模型…</translation>
    </message>
    <message>
        <source>Choose a model to download from the catalog</source>
        <translation>从目录中选择要下载的模型</translation>
    </message>
    <message>
        <source>The models page lists models that run on this computer, with how much memory each needs and how fast it will answer. Any GGUF model file works too, for example a small one such as ../shared/models/stories260K.gguf to try it out.</source>
        <translation>模型页面列出了能在这台电脑上运行的模型，以及每个模型需要多少内存、回答速度有多快。任何 GGUF 模型文件也都可以使用，想先试一试的话，可以用 ../shared/models/stories260K.gguf 这样的小模型。</translation>
    </message>
</context>
<context>
    <name>Indexing</name>
    <message>
        <source>%1 disappeared before it could be read</source>
        <translation>%1 在读取前已不存在</translation>
    </message>
    <message>
        <source>%1 could not be read</source>
        <translation>无法读取 %1</translation>
    </message>
    <message>
        <source>%1 disappeared while it was being read</source>
        <translation>%1 在读取过程中消失了</translation>
    </message>
</context>
<context>
    <name>LicencesPage</name>
    <message>
        <source>Licences</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>Public domain</source>
        <translation>公有领域</translation>
    </message>
    <message>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
    <message>
        <source>Libraries</source>
        <translation>程序库</translation>
    </message>
    <message>
        <source>%1, licence %2</source>
        <translation>%1，许可证 %2</translation>
    </message>
    <message>
        <source>Models in the catalog</source>
        <translation>目录中的模型</translation>
    </message>
    <message>
        <source>Each model has its own licence; read it before you use the model.</source>
        <translation>每个模型都有自己的许可证；使用模型前请先阅读。</translation>
    </message>
    <message>
        <source>Hearth is free software under the MIT licence:</source>
        <translation>Hearth 是采用 MIT 许可证的自由软件：</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Hearth — %1</source>
        <translation>Hearth — %1</translation>
    </message>
    <message>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
    <message>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Model loading progress</source>
        <translation>模型加载进度</translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation>打开模型…</translation>
    </message>
    <message>
        <source>Open a model file</source>
        <translation>打开模型文件</translation>
    </message>
    <message>
        <source>Unload</source>
        <translation>卸载</translation>
    </message>
    <message>
        <source>Unload the model</source>
        <translation>卸载模型</translation>
    </message>
    <message>
        <source>Open a GGUF model</source>
        <translation>打开 GGUF 模型</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Close the error message</source>
        <translation>关闭错误消息</translation>
    </message>
    <message>
        <source>The context is full (%1 of %2 tokens). Drop the oldest turns to continue? The system prompt is kept.</source>
        <translation>上下文已满（%2 个 token 中已用 %1 个）。要丢弃最早的几轮对话以继续吗？系统提示词会保留。</translation>
    </message>
    <message>
        <source>Drop oldest turns</source>
        <translation>丢弃最早的对话</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop this conversation here</source>
        <translation>在此结束本次对话</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新建聊天</translation>
    </message>
    <message>
        <source>Start a new chat</source>
        <translation>开始新的聊天</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Open the settings</source>
        <translation>打开设置</translation>
    </message>
    <message>
        <source>Ctrl+,</source>
        <translation>Ctrl+,</translation>
    </message>
    <message>
        <source>Not loaded: %1. Loading it anyway may make the computer very slow.</source>
        <translation>未加载：%1。强行加载可能会让电脑变得非常慢。</translation>
    </message>
    <message>
        <source>Model too large</source>
        <translation>模型过大</translation>
    </message>
    <message>
        <source>Load anyway</source>
        <translation>仍然加载</translation>
    </message>
    <message>
        <source>Load the model anyway</source>
        <translation>仍然加载该模型</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Do not load the model</source>
        <translation>不加载该模型</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Open the models page: catalog and models on this computer</source>
        <translation>打开模型页面：目录和本机上的模型</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Export this chat</source>
        <translation>导出此对话</translation>
    </message>
    <message>
        <source>As Markdown…</source>
        <translation>导出为 Markdown…</translation>
    </message>
    <message>
        <source>As JSON…</source>
        <translation>导出为 JSON…</translation>
    </message>
    <message>
        <source>Export the chat as JSON</source>
        <translation>将对话导出为 JSON</translation>
    </message>
    <message>
        <source>Export the chat as Markdown</source>
        <translation>将对话导出为 Markdown</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <source>Markdown files (*.md)</source>
        <translation>Markdown 文件 (*.md)</translation>
    </message>
    <message>
        <source>Documents (%1)</source>
        <translation>文档（%1）</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Open the documents page: collections this chat can draw on</source>
        <translation>打开文档页面：此聊天可以引用的文档集</translation>
    </message>
    <message>
        <source>Drop a .gguf file to load it, or documents to use them in this chat</source>
        <translation>松开 .gguf 文件即可加载，松开文档即可在此聊天中使用</translation>
    </message>
</context>
<context>
    <name>MessageBubble</name>
    <message>
        <source>Your message</source>
        <translation>你的消息</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>Edit the message</source>
        <translation>编辑消息</translation>
    </message>
    <message>
        <source>Generating</source>
        <translation>正在生成</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>上一个版本</translation>
    </message>
    <message>
        <source>%1/%2</source>
        <translation>%1/%2</translation>
    </message>
    <message>
        <source>Version %1 of %2</source>
        <translation>第 %1 个版本，共 %2 个</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>下一个版本</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the message</source>
        <translation>复制消息</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Edit and resend the message</source>
        <translation>编辑并重新发送消息</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel the edit</source>
        <translation>取消编辑</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Send the edited message</source>
        <translation>发送编辑后的消息</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>复制代码</translation>
    </message>
    <message>
        <source>Copy the code</source>
        <translation>复制这段代码</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>BM25 #%1</source>
        <translation>BM25 #%1</translation>
    </message>
    <message>
        <source>vector #%1</source>
        <translation>向量 #%1</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>[%1] %2</source>
        <translation>[%1] %2</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>打开 %1</translation>
    </message>
    <message>
        <source>Hide snippet</source>
        <translation>隐藏片段</translation>
    </message>
    <message>
        <source>Show snippet</source>
        <translation>显示片段</translation>
    </message>
    <message>
        <source>Snippet</source>
        <translation>片段</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Fits</source>
        <translation>可容纳</translation>
    </message>
    <message>
        <source>Tight</source>
        <translation>勉强</translation>
    </message>
    <message>
        <source>Won&apos;t fit</source>
        <translation>放不下</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Licences…</source>
        <translation>许可证…</translation>
    </message>
    <message>
        <source>Show the licences of Hearth, its libraries and the models</source>
        <translation>显示 Hearth、其程序库及各模型的许可证</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Catalog</source>
        <translation>目录</translation>
    </message>
    <message>
        <source>Model catalog</source>
        <translation>模型目录</translation>
    </message>
    <message>
        <source>On this computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Models on this computer</source>
        <translation>本机上的模型</translation>
    </message>
    <message>
        <source>Search models</source>
        <translation>搜索模型</translation>
    </message>
    <message>
        <source>Search the catalog</source>
        <translation>搜索目录</translation>
    </message>
    <message>
        <source>Fits in memory</source>
        <translation>内存可容纳</translation>
    </message>
    <message>
        <source>Show only models that fit in memory</source>
        <translation>只显示内存可容纳的模型</translation>
    </message>
    <message>
        <source>Hide unsupported</source>
        <translation>隐藏不支持的</translation>
    </message>
    <message>
        <source>Hide models this app cannot run yet</source>
        <translation>隐藏本应用暂时无法运行的模型</translation>
    </message>
    <message>
        <source>No model matches the filters.</source>
        <translation>没有符合筛选条件的模型。</translation>
    </message>
    <message>
        <source>%1 (recommended)</source>
        <translation>%1（推荐）</translation>
    </message>
    <message>
        <source>Licence %1</source>
        <translation>许可证 %1</translation>
    </message>
    <message>
        <source>Not supported yet: %1</source>
        <translation>暂不支持：%1</translation>
    </message>
    <message>
        <source>Download progress of %1</source>
        <translation>%1 的下载进度</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Download %1 %2</source>
        <translation>下载 %1 %2</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause the download of %1</source>
        <translation>暂停下载 %1</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Resume the download of %1</source>
        <translation>继续下载 %1</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel the download of %1</source>
        <translation>取消下载 %1</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <source>Load %1 %2</source>
        <translation>加载 %1 %2</translation>
    </message>
    <message>
        <source>Download source</source>
        <translation>下载来源</translation>
    </message>
    <message>
        <source>Hub address</source>
        <translation>模型仓库地址</translation>
    </message>
    <message>
        <source>Hub address, for a mirror</source>
        <translation>模型仓库地址（用于镜像）</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Use the default hub address</source>
        <translation>使用默认的模型仓库地址</translation>
    </message>
    <message>
        <source>Access token</source>
        <translation>访问令牌</translation>
    </message>
    <message>
        <source>A token is saved</source>
        <translation>已保存令牌</translation>
    </message>
    <message>
        <source>Only for gated models</source>
        <translation>仅用于需授权的模型</translation>
    </message>
    <message>
        <source>Hub access token</source>
        <translation>模型仓库访问令牌</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Forget</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Save the access token</source>
        <translation>保存访问令牌</translation>
    </message>
    <message>
        <source>Forget the access token</source>
        <translation>清除访问令牌</translation>
    </message>
    <message>
        <source>Folder: %1</source>
        <translation>文件夹：%1</translation>
    </message>
    <message>
        <source>Move instead of copy</source>
        <translation>移动而非复制</translation>
    </message>
    <message>
        <source>Move imported files instead of copying them</source>
        <translation>导入时移动文件，而不是复制</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Import a GGUF model file</source>
        <translation>导入 GGUF 模型文件</translation>
    </message>
    <message>
        <source>No models here yet. Download one from the catalog, import a .gguf file, or drop one onto this page.</source>
        <translation>这里还没有模型。可以从目录下载、导入 .gguf 文件，或将文件拖放到此页面。</translation>
    </message>
    <message>
        <source>Tensor types: %1</source>
        <translation>张量类型：%1</translation>
    </message>
    <message>
        <source>Cannot be loaded: %1</source>
        <translation>无法加载：%1</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Delete %1</source>
        <translation>删除 %1</translation>
    </message>
    <message>
        <source>Load %1</source>
        <translation>加载 %1</translation>
    </message>
    <message>
        <source>Drop the .gguf file to add it to your models</source>
        <translation>松开 .gguf 文件即可将其添加到你的模型中</translation>
    </message>
    <message>
        <source>Import a GGUF model</source>
        <translation>导入 GGUF 模型</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <source>Delete %1 from the models folder? This cannot be undone.</source>
        <translation>要从模型文件夹中删除 %1 吗？此操作无法撤销。</translation>
    </message>
    <message>
        <source>Any size</source>
        <translation>任意大小</translation>
    </message>
    <message>
        <source>Up to %1</source>
        <translation>最多 %1</translation>
    </message>
    <message>
        <source>Largest file size to show</source>
        <translation>显示的最大文件大小</translation>
    </message>
    <message>
        <source>Add a .gguf file by its address (hub or mirror)</source>
        <translation>通过地址添加 .gguf 文件（模型仓库或镜像）</translation>
    </message>
    <message>
        <source>Address of a GGUF file to add</source>
        <translation>要添加的 GGUF 文件的地址</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Read the file&apos;s header and add it to the list</source>
        <translation>读取文件头并将其添加到列表</translation>
    </message>
    <message>
        <source>Added by its address, from %1 · %2 parameters</source>
        <translation>通过地址添加，来自 %1 · 参数量 %2</translation>
    </message>
    <message>
        <source>Could not read the file&apos;s header: %1</source>
        <translation>无法读取文件头：%1</translation>
    </message>
    <message>
        <source>Size and shapes not confirmed; the download is checked against the server.</source>
        <translation>大小和形状信息未经确认；下载时会与服务器核对。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>Check the file</source>
        <translation>检查文件</translation>
    </message>
    <message>
        <source>Read the header of %1 %2 from the server</source>
        <translation>从服务器读取 %1 %2 的文件头</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove %1 from the list</source>
        <translation>从列表中移除 %1</translation>
    </message>
    <message>
        <source>Remove added model</source>
        <translation>移除添加的模型</translation>
    </message>
    <message>
        <source>Remove %1 from the list? The part downloaded so far will be deleted.</source>
        <translation>从列表中移除 %1？已下载的部分将被删除。</translation>
    </message>
</context>
<context>
    <name>RemoteGguf</name>
    <message>
        <source>Cannot read &quot;%1&quot;: not an http or https address.</source>
        <translation>无法读取“%1”：不是 http 或 https 地址。</translation>
    </message>
    <message>
        <source>Too many redirects from %1.</source>
        <translation>来自 %1 的重定向过多。</translation>
    </message>
    <message>
        <source>Refused the redirect from %1 to the insecure address %2.</source>
        <translation>已拒绝从 %1 重定向到不安全的地址 %2。</translation>
    </message>
    <message>
        <source>The server answered HTTP %1 %2 for %3.</source>
        <translation>服务器对 %3 的响应为 HTTP %1 %2。</translation>
    </message>
    <message>
        <source>The repository may be gated: accept its terms on the hub&apos;s page, then set an access token on the Models page.</source>
        <translation>该仓库可能需要授权访问：请在模型仓库的对应页面上接受其条款，然后在模型页面中设置访问令牌。</translation>
    </message>
    <message>
        <source>Reading the header of %1 failed: %2.</source>
        <translation>读取 %1 的文件头失败：%2。</translation>
    </message>
    <message>
        <source>The server answered HTTP %1 for %2, which is not a file.</source>
        <translation>服务器对 %2 的响应为 HTTP %1，这不是一个文件。</translation>
    </message>
    <message>
        <source>%1 is not a usable GGUF file: %2</source>
        <translation>%1 不是可用的 GGUF 文件：%2</translation>
    </message>
    <message>
        <source>The server at %1 does not support range requests, and the GGUF header was not within the first %2 it sent.</source>
        <translation>%1 处的服务器不支持范围请求，且 GGUF 文件头不在其发送的前 %2 之内。</translation>
    </message>
    <message>
        <source>The GGUF header of %1 is larger than %2; not read.</source>
        <translation>%1 的 GGUF 文件头大于 %2，未读取。</translation>
    </message>
    <message>
        <source>Reading the header of %1 took longer than %2 s; the server is too slow or stalled.</source>
        <translation>读取 %1 的文件头耗时超过 %2 秒；服务器太慢或已停止响应。</translation>
    </message>
</context>
<context>
    <name>RetrievalContext</name>
    <message>
        <source>%1, page %2</source>
        <translation>%1，第 %2 页</translation>
    </message>
    <message>
        <source>%1, lines %2–%3</source>
        <translation>%1，第 %2–%3 行</translation>
    </message>
    <message>
        <source>%1, line %2</source>
        <translation>%1，第 %2 行</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Performance</source>
        <translation>性能</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <source>Default: %1 (the physical cores). More threads than cores rarely help.</source>
        <translation>默认：%1（物理核心数）。线程数超过核心数通常没有帮助。</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <source>Context length in tokens</source>
        <translation>以 token 计的上下文长度</translation>
    </message>
    <message>
        <source>Tokens the model can see at once; capped at the model&apos;s training length. The KV cache for all of them is allocated when the model loads.</source>
        <translation>模型一次能看到的 token 数，上限为模型的训练长度。加载模型时会为全部 token 分配 KV 缓存。</translation>
    </message>
    <message>
        <source>KV cache type</source>
        <translation>KV 缓存类型</translation>
    </message>
    <message>
        <source>Q8_0 halves the KV cache memory, at a very small cost in quality.</source>
        <translation>Q8_0 可将 KV 缓存内存减半，质量损失极小。</translation>
    </message>
    <message>
        <source>The loaded model still uses the previous threads, context or KV cache type.</source>
        <translation>已加载的模型仍在使用之前的线程数、上下文长度或 KV 缓存类型。</translation>
    </message>
    <message>
        <source>Reload model to apply</source>
        <translation>重新加载模型以应用</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>0 always picks the most likely token; higher is more varied.</source>
        <translation>为 0 时总是选择可能性最大的 token；数值越高，输出越多样。</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>Top-k 0, top-p 1, min-p 0 and repeat penalty 1 turn that filter off.</source>
        <translation>Top-k 为 0、Top-p 为 1、Min-p 为 0、重复惩罚为 1 时，对应的过滤即关闭。</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>0: a new random seed for every answer; any other number repeats the same answer.</source>
        <translation>0：每次回答都使用新的随机种子；其他任何数字都会重复得到相同的回答。</translation>
    </message>
    <message>
        <source>Maximum answer length</source>
        <translation>最大回答长度</translation>
    </message>
    <message>
        <source>Maximum answer length in tokens</source>
        <translation>以 token 计的最大回答长度</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>不限制</translation>
    </message>
    <message>
        <source>No limit on the answer length</source>
        <translation>不限制回答长度</translation>
    </message>
    <message>
        <source>New chats</source>
        <translation>新聊天</translation>
    </message>
    <message>
        <source>Default system prompt</source>
        <translation>默认系统提示词</translation>
    </message>
    <message>
        <source>Instructions every new chat starts with (each chat can change its own)</source>
        <translation>每个新聊天开始时使用的指示（每个聊天都可以单独修改）</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Choose the models folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <source>Settings error</source>
        <translation>设置错误</translation>
    </message>
    <message>
        <source>Reset to defaults</source>
        <translation>恢复默认设置</translation>
    </message>
    <message>
        <source>Reset all settings to their defaults</source>
        <translation>将所有设置恢复为默认值</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>New chat</source>
        <translation>新建聊天</translation>
    </message>
    <message>
        <source>Ctrl+N</source>
        <translation>Ctrl+N</translation>
    </message>
    <message>
        <source>Search chats</source>
        <translation>搜索聊天</translation>
    </message>
    <message>
        <source>Search chats by title</source>
        <translation>按标题搜索聊天</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Actions for %1</source>
        <translation>“%1”的操作</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Rename chat</source>
        <translation>重命名聊天</translation>
    </message>
    <message>
        <source>New title</source>
        <translation>新标题</translation>
    </message>
    <message>
        <source>Delete chat?</source>
        <translation>删除聊天？</translation>
    </message>
    <message>
        <source>“%1” and all its messages will be deleted.</source>
        <translation>“%1”及其所有消息都将被删除。</translation>
    </message>
</context>
<context>
    <name>SpeedPanel</name>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 GB/s (%2 % of %3)</source>
        <translation>%1 GB/s（%3 的 %2%）</translation>
    </message>
    <message>
        <source>%1 GB/s</source>
        <translation>%1 GB/s</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>%1 tok/s</source>
        <translation>%1 tok/s</translation>
    </message>
    <message>
        <source>Prompt processing speed: %1 tokens per second</source>
        <translation>提示词处理速度：每秒 %1 个 token</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Generation speed: %1 tokens per second</source>
        <translation>生成速度：每秒 %1 个 token</translation>
    </message>
    <message>
        <source>First token</source>
        <translation>首个 token</translation>
    </message>
    <message>
        <source>Time to first token: %1</source>
        <translation>首个 token 延迟：%1</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>Memory bandwidth used: %1</source>
        <translation>已用内存带宽：%1</translation>
    </message>
    <message>
        <source>Generation speed over the answer</source>
        <translation>回答过程中的生成速度</translation>
    </message>
    <message>
        <source>measuring…</source>
        <translation>正在测量…</translation>
    </message>
    <message>
        <source>%1 GB/s, measured %2</source>
        <translation>%1 GB/s，测于 %2</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Measured memory read bandwidth: %1</source>
        <translation>测得的内存读取带宽：%1</translation>
    </message>
    <message>
        <source>Re-measure</source>
        <translation>重新测量</translation>
    </message>
    <message>
        <source>Measure the memory bandwidth again</source>
        <translation>重新测量内存带宽</translation>
    </message>
</context>
<context>
    <name>hearth::app::CatalogModel</name>
    <message numerus="yes">
        <source>%n s left</source>
        <translation>
            <numerusform>剩余 %n 秒</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min left</source>
        <translation>
            <numerusform>剩余 %n 分钟</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h left</source>
        <translation>
            <numerusform>剩余 %n 小时</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 downloaded</source>
        <translation>已下载 %1 / %2</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source> · %1/s</source>
        <translation> · %1/s</translation>
    </message>
    <message>
        <source>Waiting for another download to finish</source>
        <translation>正在等待其他下载完成</translation>
    </message>
    <message>
        <source>Checking the file (SHA-256 and GGUF)…</source>
        <translation>正在检查文件（SHA-256 和 GGUF）…</translation>
    </message>
    <message>
        <source>Paused at %1 of %2</source>
        <translation>已暂停，完成 %1 / %2</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Downloaded and verified</source>
        <translation>已下载并校验</translation>
    </message>
    <message>
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <source>Fast %1 kernels for %2</source>
        <translation>有适用于 %2 的快速 %1 内核</translation>
    </message>
    <message>
        <source>No fast kernels for %1 on this CPU</source>
        <translation>此 CPU 上没有适用于 %1 的快速内核</translation>
    </message>
</context>
<context>
    <name>hearth::app::ChatController</name>
    <message>
        <source>Wait for the answer to finish (or stop it) before loading another model</source>
        <translation>请等待回答完成（或先停止它），再加载其他模型</translation>
    </message>
    <message>
        <source>Choose a file name to export the chat to (got &quot;%1&quot;).</source>
        <translation>请选择导出对话的文件名（收到的是“%1”）。</translation>
    </message>
    <message>
        <source>Your documents could not be searched: %1</source>
        <translation>无法搜索你的文档：%1</translation>
    </message>
    <message>
        <source>Only files on this computer can be added: %1</source>
        <translation>只能添加本机上的文件：%1</translation>
    </message>
    <message>
        <source>Documents cannot be added in this window</source>
        <translation>无法在此窗口中添加文档</translation>
    </message>
</context>
<context>
    <name>hearth::app::DocumentsController</name>
    <message>
        <source>The documents index cannot be opened: %1</source>
        <translation>无法打开文档索引：%1</translation>
    </message>
    <message>
        <source>Computing the documents&apos; vectors stopped: %1</source>
        <translation>文档向量的计算已停止：%1</translation>
    </message>
    <message>
        <source>A collection needs a name</source>
        <translation>文档集需要一个名称</translation>
    </message>
    <message>
        <source>A collection named “%1” already exists</source>
        <translation>已存在名为“%1”的文档集</translation>
    </message>
    <message>
        <source>Could not create the collection: %1</source>
        <translation>无法创建文档集：%1</translation>
    </message>
    <message>
        <source>Created the collection “%1”</source>
        <translation>已创建文档集“%1”</translation>
    </message>
    <message>
        <source>Could not rename the collection: %1</source>
        <translation>无法重命名文档集：%1</translation>
    </message>
    <message>
        <source>Could not remove the collection: %1</source>
        <translation>无法移除文档集：%1</translation>
    </message>
    <message>
        <source>Nothing to add: drop files or folders from this computer</source>
        <translation>没有可添加的内容：请拖放本机上的文件或文件夹</translation>
    </message>
    <message>
        <source>Could not add %1: %2</source>
        <translation>无法添加 %1：%2</translation>
    </message>
    <message>
        <source>Indexing what was added (%1)…</source>
        <translation>正在索引新添加的内容（%1）…</translation>
    </message>
    <message>
        <source>%1 is part of an added folder: remove that folder instead</source>
        <translation>%1 属于已添加的文件夹：请改为移除该文件夹</translation>
    </message>
    <message>
        <source>Could not remove %1: %2</source>
        <translation>无法移除 %1：%2</translation>
    </message>
    <message>
        <source>Indexing stopped: %1</source>
        <translation>索引已停止：%1</translation>
    </message>
    <message>
        <source>Indexing cancelled</source>
        <translation>已取消索引</translation>
    </message>
    <message>
        <source>Indexed %1 files: %2 read, %3 unchanged, %4 with problems</source>
        <translation>已索引 %1 个文件：%2 个已读取，%3 个未更改，%4 个有问题</translation>
    </message>
    <message>
        <source>Start or open a conversation first: collections are used per conversation</source>
        <translation>请先开始或打开一个对话：文档集是按对话使用的</translation>
    </message>
    <message>
        <source>Could not change which collections the chat uses: %1</source>
        <translation>无法更改此聊天使用的文档集：%1</translation>
    </message>
    <message>
        <source>%1 is no longer there</source>
        <translation>%1 已不存在</translation>
    </message>
    <message>
        <source>No application could open %1</source>
        <translation>没有应用程序能打开 %1</translation>
    </message>
    <message>
        <source>%1 is not a model: expected a .gguf file</source>
        <translation>%1 不是模型：需要 .gguf 文件</translation>
    </message>
    <message>
        <source>Could not detach the deleted chat&apos;s collections: %1</source>
        <translation>无法解除已删除聊天与其文档集的关联：%1</translation>
    </message>
    <message>
        <source>Chat documents</source>
        <translation>聊天文档</translation>
    </message>
    <message>
        <source>Could not create a collection for this chat: %1</source>
        <translation>无法为此聊天创建文档集：%1</translation>
    </message>
    <message>
        <source>Could not attach the collection to this chat: %1</source>
        <translation>无法将文档集关联到此聊天：%1</translation>
    </message>
    <message>
        <source>Indexing what was added to this chat&apos;s documents (%1)…</source>
        <translation>正在索引新添加到此聊天文档中的内容（%1）…</translation>
    </message>
</context>
<context>
    <name>hearth::app::DownloadManager</name>
    <message>
        <source>Not enough disk space for %1: it needs %2, but only %3 are free on %4.</source>
        <translation>磁盘空间不足，无法保存 %1：需要 %2，但 %4 上只剩 %3 可用。</translation>
    </message>
    <message>
        <source>Cannot download from &quot;%1&quot;: not an http or https address.</source>
        <translation>无法从“%1”下载：这不是 http 或 https 地址。</translation>
    </message>
    <message>
        <source>The expected SHA-256 &quot;%1&quot; is not 64 hexadecimal digits.</source>
        <translation>预期的 SHA-256 值“%1”不是 64 位十六进制数字。</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <source>The server keeps answering with other parts of the file than asked for (%1).</source>
        <translation>服务器反复返回与请求不符的文件片段（%1）。</translation>
    </message>
    <message>
        <source>%1 Gave up after %2 attempts.</source>
        <translation>%1 已尝试 %2 次，放弃下载。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>The server answered HTTP %1 %2 for %3.</source>
        <translation>服务器对 %3 返回了 HTTP %1 %2。</translation>
    </message>
    <message>
        <source>The repository may be gated: accept its terms on the hub&apos;s page, then set an access token on the Models page.</source>
        <translation>该仓库可能需要授权访问：请在模型仓库的对应页面上接受其条款，然后在模型页面中设置访问令牌。</translation>
    </message>
    <message>
        <source>Downloading %1 failed: %2.</source>
        <translation>下载 %1 失败：%2。</translation>
    </message>
    <message>
        <source>The server answered HTTP %1 for %2, which is not a file.</source>
        <translation>服务器对 %2 返回了 HTTP %1，这不是一个文件。</translation>
    </message>
    <message>
        <source>The connection to %1 ended after %2 of %3 bytes.</source>
        <translation>与 %1 的连接在传输了 %2 / %3 字节后中断。</translation>
    </message>
    <message>
        <source>The server sends %1 bytes for %2, but the file has %3 bytes; the download was discarded.</source>
        <translation>服务器为 %2 发送了 %1 字节，但该文件应有 %3 字节；已丢弃此次下载。</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>The download is damaged: its SHA-256 is %1, but the catalog expects %2. It was deleted.</source>
        <translation>下载的文件已损坏：其 SHA-256 为 %1，但目录中预期为 %2。文件已删除。</translation>
    </message>
    <message>
        <source>The download is damaged: its SHA-256 is %1, but the server states %2. It was deleted.</source>
        <translation>下载的文件已损坏：其 SHA-256 为 %1，但服务器声明为 %2。文件已删除。</translation>
    </message>
    <message>
        <source>The download is not a usable GGUF model (%1). It was deleted.</source>
        <translation>下载的文件不是可用的 GGUF 模型（%1）。文件已删除。</translation>
    </message>
    <message>
        <source>Cannot move the download to %1: %2</source>
        <translation>无法将下载的文件移动到 %1：%2</translation>
    </message>
    <message>
        <source>Too many redirects from %1.</source>
        <translation>来自 %1 的重定向次数过多。</translation>
    </message>
    <message>
        <source>Refused the redirect from %1 to the insecure address %2.</source>
        <translation>已拒绝从 %1 重定向到不安全的地址 %2。</translation>
    </message>
    <message>
        <source>Another Hearth window or process is already downloading %1.</source>
        <translation>另一个 Hearth 窗口或进程已在下载 %1。</translation>
    </message>
    <message>
        <source>%1 sent less than %2 in %3 s: the server is too slow or stalled.</source>
        <translation>%1 在 %3 秒内发送的数据不足 %2：服务器太慢或已停止响应。</translation>
    </message>
</context>
<context>
    <name>hearth::app::EngineWorker</name>
    <message>
        <source>%1 needs %2 (weights %3, KV cache %4, buffers %5) but %6 is available</source>
        <translation>%1 需要 %2（权重 %3，KV 缓存 %4，缓冲区 %5），但只有 %6 可用</translation>
    </message>
</context>
<context>
    <name>hearth::app::HubTokenStore</name>
    <message>
        <source>the keyring did not answer within %1 s</source>
        <translation>密钥环在 %1 秒内没有响应</translation>
    </message>
    <message>
        <source>Cannot read the saved access token from %1: %2</source>
        <translation>无法从 %1 读取已保存的访问令牌：%2</translation>
    </message>
    <message>
        <source>The access token is no longer in the system keyring; enter it again.</source>
        <translation>系统密钥环中已没有该访问令牌；请重新输入。</translation>
    </message>
    <message>
        <source>Cannot read the access token from the system keyring: %1</source>
        <translation>无法从系统密钥环读取访问令牌：%1</translation>
    </message>
    <message>
        <source>The system keyring refused to save it: %1</source>
        <translation>系统密钥环拒绝保存：%1</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the access token.</source>
        <translation>无法为访问令牌创建文件夹 %1。</translation>
    </message>
    <message>
        <source>Cannot save the access token in %1: %2</source>
        <translation>无法将访问令牌保存到 %1：%2</translation>
    </message>
</context>
<context>
    <name>hearth::app::MachineController</name>
    <message>
        <source>Could not measure the memory bandwidth: %1</source>
        <translation>无法测量内存带宽：%1</translation>
    </message>
</context>
<context>
    <name>hearth::app::ModelsController</name>
    <message>
        <source>%1 is not a usable GGUF model: %2</source>
        <translation>%1 不是可用的 GGUF 模型：%2</translation>
    </message>
    <message>
        <source>Cannot copy %1 into the models folder: %2</source>
        <translation>无法将 %1 复制到模型文件夹：%2</translation>
    </message>
    <message>
        <source>Cannot create %1.</source>
        <translation>无法创建 %1。</translation>
    </message>
    <message>
        <source>The model catalog is missing from this build (%1).</source>
        <translation>此版本中缺少模型目录（%1）。</translation>
    </message>
    <message>
        <source>This computer&apos;s memory is not known.</source>
        <translation>无法得知这台电脑的内存大小。</translation>
    </message>
    <message>
        <source>%1 of %2 memory available</source>
        <translation>可用内存 %1 / %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an http or https address; the hub address stays %2.</source>
        <translation>“%1”不是 http 或 https 地址；模型仓库地址保持为 %2。</translation>
    </message>
    <message>
        <source>Downloaded %1.</source>
        <translation>已下载 %1。</translation>
    </message>
    <message>
        <source>%1 cannot be downloaded: %2</source>
        <translation>无法下载 %1：%2</translation>
    </message>
    <message>
        <source>Another import is running; try again when it has finished.</source>
        <translation>另一个导入正在进行；请在它完成后重试。</translation>
    </message>
    <message>
        <source>Cannot import %1: there is no such file.</source>
        <translation>无法导入 %1：文件不存在。</translation>
    </message>
    <message>
        <source>%1 is already in the models folder.</source>
        <translation>%1 已在模型文件夹中。</translation>
    </message>
    <message>
        <source>The models folder already has a file named %1; delete or rename it first.</source>
        <translation>模型文件夹中已有名为 %1 的文件；请先删除或重命名它。</translation>
    </message>
    <message>
        <source>Cannot create the models folder %1.</source>
        <translation>无法创建模型文件夹 %1。</translation>
    </message>
    <message>
        <source>Not imported: %1</source>
        <translation>未导入：%1</translation>
    </message>
    <message>
        <source>Imported %1.</source>
        <translation>已导入 %1。</translation>
    </message>
    <message>
        <source>Only models in the models folder can be deleted here.</source>
        <translation>这里只能删除模型文件夹中的模型。</translation>
    </message>
    <message>
        <source>Cannot delete %1.</source>
        <translation>无法删除 %1。</translation>
    </message>
    <message>
        <source>Deleted %1.</source>
        <translation>已删除 %1。</translation>
    </message>
    <message>
        <source>No system keyring is available; the access token was saved in %1, readable only by you.</source>
        <translation>没有可用的系统密钥环；访问令牌已保存到 %1，仅你本人可读。</translation>
    </message>
    <message>
        <source>The access token was not saved: %1</source>
        <translation>访问令牌未保存：%1</translation>
    </message>
    <message>
        <source>Saved in the system keyring.</source>
        <translation>已保存到系统密钥环。</translation>
    </message>
    <message>
        <source>No system keyring is available: saved in %1, readable only by you.</source>
        <translation>没有可用的系统密钥环：已保存到 %1，仅你本人可读。</translation>
    </message>
    <message>
        <source>%1 was not downloaded: %2</source>
        <translation>未下载 %1：%2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an http or https address of a .gguf file.</source>
        <translation>“%1”不是 .gguf 文件的 http 或 https 地址。</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>%1 is being downloaded; cancel the download before removing it.</source>
        <translation>%1 正在下载；请先取消下载再移除。</translation>
    </message>
    <message>
        <source>Removed %1 from the list.</source>
        <translation>已从列表中移除 %1。</translation>
    </message>
</context>
<context>
    <name>hearth::app::SettingsController</name>
    <message>
        <source>Could not save the setting %1: %2</source>
        <translation>无法保存设置 %1：%2</translation>
    </message>
    <message>
        <source>The models folder must be a local folder, not %1</source>
        <translation>模型文件夹必须是本地文件夹，而不是 %1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Chat with language models offline.</source>
        <translation>离线与语言模型聊天。</translation>
    </message>
    <message>
        <source>A .gguf model file to load at start.</source>
        <translation>启动时要加载的 .gguf 模型文件。</translation>
    </message>
</context>
</TS>
