; Assembly listing for method EdgeConv.Kernels.Optimized.GemmInt8Tile4x16+ArmNeonTile:Accumulate(byref,int,byref,byref,byref,byref,byref) (FullOpts)
; Emitting BLENDED_CODE for generic ARM64 on Unix
; FullOpts code
; optimized code
; fp based frame
; fully interruptible
; No PGO data
; 0 inlinees with PGO data; 72 single block inlinees; 0 inlinees without PGO data

G_M000_IG01:
            stp     fp, lr, [sp, #-0x10]!
            mov     fp, sp
 
G_M000_IG02:
            movi    v16.4s, #0
            movi    v17.4s, #0
            movi    v18.4s, #0
            movi    v19.4s, #0
            movi    v20.4s, #0
            movi    v21.4s, #0
            movi    v22.4s, #0
            movi    v23.4s, #0
            movi    v24.4s, #0
            movi    v25.4s, #0
            movi    v26.4s, #0
            movi    v27.4s, #0
            movi    v28.4s, #0
            movi    v29.4s, #0
            movi    v30.4s, #0
            movi    v31.4s, #0
            mov     x7, xzr
            sbfiz   x1, x1, #2, #32
            cmp     x7, x1
            bge     G_M000_IG04
            align   [0 bytes for IG03]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG03:
            ldr     d7, [x2, x7]
            sxtl    v7.8h, v7.8b
            ldr     d6, [x3, x7]
            sxtl    v6.8h, v6.8b
            ldr     d5, [x4, x7]
            sxtl    v5.8h, v5.8b
            ldr     d4, [x5, x7]
            sxtl    v4.8h, v4.8b
            ldp     q3, q2, [x0]
            smlal2  v17.4s, v3.8h, v7.h[0]
            smlal2  v19.4s, v2.8h, v7.h[0]
            smlal2  v21.4s, v3.8h, v6.h[0]
            smlal2  v23.4s, v2.8h, v6.h[0]
            smlal2  v25.4s, v3.8h, v5.h[0]
            smlal2  v27.4s, v2.8h, v5.h[0]
            smlal2  v29.4s, v3.8h, v4.h[0]
            smlal2  v31.4s, v2.8h, v4.h[0]
            smlal   v16.4s, v3.4h, v7.h[0]
            smlal   v18.4s, v2.4h, v7.h[0]
            smlal   v20.4s, v3.4h, v6.h[0]
            smlal   v22.4s, v2.4h, v6.h[0]
            smlal   v24.4s, v3.4h, v5.h[0]
            smlal   v26.4s, v2.4h, v5.h[0]
            smlal   v28.4s, v3.4h, v4.h[0]
            smlal   v30.4s, v2.4h, v4.h[0]
            ldp     q3, q2, [x0, #0x20]
            smlal2  v17.4s, v3.8h, v7.h[1]
            smlal2  v19.4s, v2.8h, v7.h[1]
            smlal2  v21.4s, v3.8h, v6.h[1]
            smlal2  v23.4s, v2.8h, v6.h[1]
            smlal2  v25.4s, v3.8h, v5.h[1]
            smlal2  v27.4s, v2.8h, v5.h[1]
            smlal2  v29.4s, v3.8h, v4.h[1]
            smlal2  v31.4s, v2.8h, v4.h[1]
            smlal   v16.4s, v3.4h, v7.h[1]
            smlal   v18.4s, v2.4h, v7.h[1]
            smlal   v20.4s, v3.4h, v6.h[1]
            smlal   v22.4s, v2.4h, v6.h[1]
            smlal   v24.4s, v3.4h, v5.h[1]
            smlal   v26.4s, v2.4h, v5.h[1]
            smlal   v28.4s, v3.4h, v4.h[1]
            smlal   v30.4s, v2.4h, v4.h[1]
            ldp     q3, q2, [x0, #0x40]
            smlal2  v17.4s, v3.8h, v7.h[2]
            smlal2  v19.4s, v2.8h, v7.h[2]
            smlal2  v21.4s, v3.8h, v6.h[2]
            smlal2  v23.4s, v2.8h, v6.h[2]
            smlal2  v25.4s, v3.8h, v5.h[2]
            smlal2  v27.4s, v2.8h, v5.h[2]
            smlal2  v29.4s, v3.8h, v4.h[2]
            smlal2  v31.4s, v2.8h, v4.h[2]
            smlal   v16.4s, v3.4h, v7.h[2]
            smlal   v18.4s, v2.4h, v7.h[2]
            smlal   v20.4s, v3.4h, v6.h[2]
            smlal   v22.4s, v2.4h, v6.h[2]
            smlal   v24.4s, v3.4h, v5.h[2]
            smlal   v26.4s, v2.4h, v5.h[2]
            smlal   v28.4s, v3.4h, v4.h[2]
            smlal   v30.4s, v2.4h, v4.h[2]
            ldp     q3, q2, [x0, #0x60]
            smlal2  v17.4s, v3.8h, v7.h[3]
            smlal2  v19.4s, v2.8h, v7.h[3]
            smlal2  v21.4s, v3.8h, v6.h[3]
            smlal2  v23.4s, v2.8h, v6.h[3]
            smlal2  v25.4s, v3.8h, v5.h[3]
            smlal2  v27.4s, v2.8h, v5.h[3]
            smlal2  v29.4s, v3.8h, v4.h[3]
            smlal2  v31.4s, v2.8h, v4.h[3]
            smlal   v16.4s, v3.4h, v7.h[3]
            smlal   v18.4s, v2.4h, v7.h[3]
            smlal   v20.4s, v3.4h, v6.h[3]
            smlal   v22.4s, v2.4h, v6.h[3]
            smlal   v24.4s, v3.4h, v5.h[3]
            smlal   v26.4s, v2.4h, v5.h[3]
            smlal   v28.4s, v3.4h, v4.h[3]
            smlal   v30.4s, v2.4h, v4.h[3]
            ldp     q3, q2, [x0, #0x80]
            smlal2  v17.4s, v3.8h, v7.h[4]
            smlal2  v19.4s, v2.8h, v7.h[4]
            smlal2  v21.4s, v3.8h, v6.h[4]
            smlal2  v23.4s, v2.8h, v6.h[4]
            smlal2  v25.4s, v3.8h, v5.h[4]
            smlal2  v27.4s, v2.8h, v5.h[4]
            smlal2  v29.4s, v3.8h, v4.h[4]
            smlal2  v31.4s, v2.8h, v4.h[4]
            smlal   v16.4s, v3.4h, v7.h[4]
            smlal   v18.4s, v2.4h, v7.h[4]
            smlal   v20.4s, v3.4h, v6.h[4]
            smlal   v22.4s, v2.4h, v6.h[4]
            smlal   v24.4s, v3.4h, v5.h[4]
            smlal   v26.4s, v2.4h, v5.h[4]
            smlal   v28.4s, v3.4h, v4.h[4]
            smlal   v30.4s, v2.4h, v4.h[4]
            ldp     q3, q2, [x0, #0xA0]
            smlal2  v17.4s, v3.8h, v7.h[5]
            smlal2  v19.4s, v2.8h, v7.h[5]
            smlal2  v21.4s, v3.8h, v6.h[5]
            smlal2  v23.4s, v2.8h, v6.h[5]
            smlal2  v25.4s, v3.8h, v5.h[5]
            smlal2  v27.4s, v2.8h, v5.h[5]
            smlal2  v29.4s, v3.8h, v4.h[5]
            smlal2  v31.4s, v2.8h, v4.h[5]
            smlal   v16.4s, v3.4h, v7.h[5]
            smlal   v18.4s, v2.4h, v7.h[5]
            smlal   v20.4s, v3.4h, v6.h[5]
            smlal   v22.4s, v2.4h, v6.h[5]
            smlal   v24.4s, v3.4h, v5.h[5]
            smlal   v26.4s, v2.4h, v5.h[5]
            smlal   v28.4s, v3.4h, v4.h[5]
            smlal   v30.4s, v2.4h, v4.h[5]
            ldp     q3, q2, [x0, #0xC0]
            smlal2  v17.4s, v3.8h, v7.h[6]
            smlal2  v19.4s, v2.8h, v7.h[6]
            smlal2  v21.4s, v3.8h, v6.h[6]
            smlal2  v23.4s, v2.8h, v6.h[6]
            smlal2  v25.4s, v3.8h, v5.h[6]
            smlal2  v27.4s, v2.8h, v5.h[6]
            smlal2  v29.4s, v3.8h, v4.h[6]
            smlal2  v31.4s, v2.8h, v4.h[6]
            smlal   v16.4s, v3.4h, v7.h[6]
            smlal   v18.4s, v2.4h, v7.h[6]
            smlal   v20.4s, v3.4h, v6.h[6]
            smlal   v22.4s, v2.4h, v6.h[6]
            smlal   v24.4s, v3.4h, v5.h[6]
            smlal   v26.4s, v2.4h, v5.h[6]
            smlal   v28.4s, v3.4h, v4.h[6]
            smlal   v30.4s, v2.4h, v4.h[6]
            ldp     q3, q2, [x0, #0xE0]
            smlal2  v17.4s, v3.8h, v7.h[7]
            smlal2  v19.4s, v2.8h, v7.h[7]
            smlal2  v21.4s, v3.8h, v6.h[7]
            smlal2  v23.4s, v2.8h, v6.h[7]
            smlal2  v25.4s, v3.8h, v5.h[7]
            smlal2  v27.4s, v2.8h, v5.h[7]
            smlal2  v29.4s, v3.8h, v4.h[7]
            smlal2  v31.4s, v2.8h, v4.h[7]
            smlal   v16.4s, v3.4h, v7.h[7]
            smlal   v18.4s, v2.4h, v7.h[7]
            smlal   v20.4s, v3.4h, v6.h[7]
            smlal   v22.4s, v2.4h, v6.h[7]
            smlal   v24.4s, v3.4h, v5.h[7]
            smlal   v26.4s, v2.4h, v5.h[7]
            smlal   v28.4s, v3.4h, v4.h[7]
            smlal   v30.4s, v2.4h, v4.h[7]
            add     x0, x0, #0xD1FFAB1E
            add     x7, x7, #8
            cmp     x7, x1
            blt     G_M000_IG03
 
G_M000_IG04:
            stp     q16, q17, [x6]
            stp     q18, q19, [x6, #0x20]
            stp     q20, q21, [x6, #0x40]
            stp     q22, q23, [x6, #0x60]
            stp     q24, q25, [x6, #0x80]
            stp     q26, q27, [x6, #0xA0]
            stp     q28, q29, [x6, #0xC0]
            stp     q30, q31, [x6, #0xE0]
 
G_M000_IG05:
            ldp     fp, lr, [sp], #0x10
            ret     lr
 
; Total bytes of code 720
